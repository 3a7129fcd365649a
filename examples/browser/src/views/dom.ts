// Tiny DOM helpers shared by the views: build an element with attributes and children, and the
// colour of a token piece (a calm pastel per position, as tokenizer playgrounds draw them).

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {},
  ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

export function pieceColour(i: number): string {
  return `hsl(${(i * 67) % 360} 65% 87%)`;
}

/** A token's text made visible: spaces as ·, newlines as ⏎ (a learner should see the space
 *  that most GPT tokens start with). */
export function visible(text: string): string {
  return text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥') || '∅';
}

export function pct(p: number): string {
  return p >= 0.095 ? `${(p * 100).toFixed(0)}%` : p >= 0.001 ? `${(p * 100).toFixed(1)}%` : '<0.1%';
}
