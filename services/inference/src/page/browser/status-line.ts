/** A status line of the page (a `role="status"` paragraph): its text, red when it reports a problem. */
export interface StatusLine {
  message: string;
  error: boolean;
}

export function renderStatus(el: HTMLElement, { message, error }: StatusLine): void {
  el.textContent = message;
  el.classList.toggle('error', error);
}
