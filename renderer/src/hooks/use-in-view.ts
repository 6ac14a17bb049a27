/** Whether an element is on screen (or within a margin of it): charts off screen wait to draw. */
import { useEffect, useState, type RefObject } from 'react';

const MARGIN = '200px';

export function useInView(ref: RefObject<HTMLElement | null>): boolean {
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const observer = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)), {
      rootMargin: MARGIN,
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return inView;
}
