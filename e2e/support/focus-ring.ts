/**
 * Whether the focused element's focus ring can be seen whole: it matches :focus-visible, has an
 * outline of at least 2px, no ancestor that clips (overflow) cuts the ring's outer edge off, and no
 * other element is painted over the middle of each of its four sides.
 */
import type { Locator } from '@playwright/test';

/** Null when the ring is whole, else why not. */
export async function focusRingProblem(element: Locator): Promise<string | null> {
  // Centred, so the ring around it is inside the viewport too (at an edge it would read as covered).
  await element.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'nearest' }));
  return element.evaluate((el) => {
    const name = (node: Element | null) =>
      node === null
        ? 'nothing'
        : `${node.tagName.toLowerCase()}.${[...node.classList].join('.')} "${(node.textContent ?? '').slice(0, 30)}"`;
    if (!el.matches(':focus-visible')) return `${name(el)} does not match :focus-visible`;
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth);
    if (style.outlineStyle === 'none' || !(width >= 2)) return `${name(el)} has no focus outline`;
    const offset = parseFloat(style.outlineOffset) || 0;
    const box = el.getBoundingClientRect();
    const outer = offset + width;
    const ring = { left: box.left - outer, top: box.top - outer, right: box.right + outer, bottom: box.bottom + outer };
    for (let up = el.parentElement; up !== null; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = up.getBoundingClientRect();
      const left = r.left + up.clientLeft;
      const top = r.top + up.clientTop;
      const clip = { left, top, right: left + up.clientWidth, bottom: top + up.clientHeight };
      // Half a pixel of slack for subpixel layout.
      const cut = [clip.left - ring.left, clip.top - ring.top, ring.right - clip.right, ring.bottom - clip.bottom];
      if (cut.some((px) => px > 0.5)) {
        return `the ring of ${name(el)} is clipped by ${name(up)} (${cut.map((px) => px.toFixed(1)).join(', ')} px)`;
      }
    }
    const middle = offset + width / 2;
    const centreX = (box.left + box.right) / 2;
    const centreY = (box.top + box.bottom) / 2;
    const sides: [number, number][] = [
      [centreX, box.top - middle],
      [centreX, box.bottom + middle],
      [box.left - middle, centreY],
      [box.right + middle, centreY],
    ];
    for (const [x, y] of sides) {
      const hit = document.elementFromPoint(x, y);
      if (hit === null || !(hit === el || el.contains(hit) || hit.contains(el))) {
        return `the ring of ${name(el)} is covered at (${x.toFixed(0)}, ${y.toFixed(0)}) by ${name(hit)}`;
      }
    }
    return null;
  });
}
