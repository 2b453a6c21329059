/** The elements of index.html the script uses, by id (the page test checks the page has each). */
export const ELEMENT_IDS = {
  pad: 'pad',
  undo: 'undo',
  clear: 'clear',
  upload: 'upload',
  preview: 'upload-preview',
  result: 'result',
  status: 'status',
  digit: 'digit',
  confidence: 'confidence',
  bars: 'bars',
  seen: 'seen',
  model: 'model',
  modelStatus: 'model-status',
  facts: 'model-facts',
  perClassReport: 'per-class-report',
  referenceReport: 'reference-report',
  referenceSet: 'reference-set',
  referencePerClass: 'reference-per-class',
  perClass: 'per-class',
  report: 'model-report',
  confusion: 'confusion',
  correction: 'correction',
  correctionDigits: 'correction-digits',
  correctionStatus: 'correction-status',
  learningReport: 'learning-report',
  learningFacts: 'learning-facts',
  history: 'history',
} as const;

type Name = keyof typeof ELEMENT_IDS;

/** The kind of each element (a function: the DOM classes exist only in browsers, and tests import the ids). */
const kinds = () =>
  ({
    pad: HTMLCanvasElement,
    undo: HTMLButtonElement,
    clear: HTMLButtonElement,
    upload: HTMLInputElement,
    preview: HTMLImageElement,
    result: HTMLElement,
    status: HTMLElement,
    digit: HTMLOutputElement,
    confidence: HTMLElement,
    bars: HTMLOListElement,
    seen: HTMLImageElement,
    model: HTMLElement,
    modelStatus: HTMLElement,
    facts: HTMLDListElement,
    perClassReport: HTMLElement,
    referenceReport: HTMLElement,
    referenceSet: HTMLElement,
    referencePerClass: HTMLTableElement,
    perClass: HTMLTableElement,
    report: HTMLElement,
    confusion: HTMLTableElement,
    correction: HTMLElement,
    correctionDigits: HTMLElement,
    correctionStatus: HTMLElement,
    learningReport: HTMLElement,
    learningFacts: HTMLDListElement,
    history: HTMLTableElement,
  }) satisfies Record<Name, typeof HTMLElement>;

export type PageElements = { [N in Name]: InstanceType<ReturnType<typeof kinds>[N]> };

/** Every element the script uses, each checked to be of the kind it is used as. */
export function pageElements(doc: Document): PageElements {
  const kind: Record<Name, typeof HTMLElement> = kinds();
  const found: Partial<Record<Name, HTMLElement>> = {};
  for (const name of Object.keys(kind) as Name[]) {
    const el = doc.getElementById(ELEMENT_IDS[name]);
    if (!(el instanceof kind[name])) throw new Error(`the page has no ${kind[name].name} #${ELEMENT_IDS[name]}`);
    found[name] = el;
  }
  return found as PageElements;
}
