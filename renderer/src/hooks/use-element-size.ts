/**
 * The content size of an element, settled after resizing stops (so a window drag does not send
 * a query per frame).
 */
import { useEffect, useState, type RefObject } from 'react';

const SETTLE_MS = 150;

export interface ElementSize {
  width: number;
  height: number;
}

function sizeOf(element: HTMLElement): ElementSize {
  return { width: Math.floor(element.clientWidth), height: Math.floor(element.clientHeight) };
}

export function useElementSize(ref: RefObject<HTMLElement | null>): ElementSize {
  const [size, setSize] = useState<ElementSize>({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    setSize(sizeOf(element));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = sizeOf(element);
        setSize((prev) => (prev.width === next.width && prev.height === next.height ? prev : next));
      }, SETTLE_MS);
    });
    observer.observe(element);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [ref]);
  return size;
}
