/**
 * A column that stays on screen while the page scrolls (CSS `position:
 * sticky`) only when it fits the window: a sticky column taller than the
 * window would hide its own bottom (in photo mode, the normalisation table)
 * until the very end of the page. Toggles the class `sticky` as the column
 * or the window changes size.
 */
export function stickWhenFits(column: HTMLElement, margin = 16): void {
  const check = (): void => {
    column.classList.toggle('sticky', column.scrollHeight <= window.innerHeight - margin);
  };
  new ResizeObserver(check).observe(column);
  window.addEventListener('resize', check);
  check();
}
