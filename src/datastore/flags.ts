// The reuse/digitisation flags of a dossier (#7; national sync fields DuocLayTuKhoDMQG, DuocSoHoa):
// over its components — the documents of the application (uploads, scans, papers, stored or
// registry evidence, earlier members' results), not its results or step documents.
export interface ComponentFlags {
  source: string;
  requirement: string;
  reused: boolean | number;
  digitised: boolean | number;
}

export interface DossierFlags {
  /** every component exists electronically */
  digitised: boolean;
  /** at least one component came from data the state holds (store, registry, earlier result) */
  reused: boolean;
  reusedCount: number;
  digitisedCount: number;
  componentCount: number;
}

export function isComponent(d: { source: string; requirement: string }): boolean {
  return d.source !== 'result' && !d.requirement.startsWith('step:');
}

export function dossierFlags(docs: ComponentFlags[]): DossierFlags {
  const components = docs.filter(isComponent);
  const reusedCount = components.filter((d) => Boolean(d.reused)).length;
  const digitisedCount = components.filter((d) => Boolean(d.digitised)).length;
  return { digitised: components.length > 0 && digitisedCount === components.length, reused: reusedCount > 0, reusedCount, digitisedCount, componentCount: components.length };
}
