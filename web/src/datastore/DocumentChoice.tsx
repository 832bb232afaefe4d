// The submission's documents when some can be satisfied from data the state already holds:
// for each required document with an evidence type, a choice (upload a file | use a document of
// my data store | let the agency fetch it from the registry), with a preview of the store item;
// then the consent step listing what will be reused, and the documents as reviewed.
import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { RequiredDocument } from '../api/types.js';
import { UploadControl, type UploadedFile } from '../dossiers/parts.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { storeApi, storeLinks, type ReuseDocumentInput, type StoreOptionDocument } from './api.js';
import { ItemDates, UsableBadge } from './parts.js';

export type ChoiceMode = 'upload' | 'store' | 'registry';
export interface Choice {
  mode: ChoiceMode;
  /** the store item chosen (mode store) */
  item?: number | null;
}
export type Choices = Record<string, Choice>;
export type Files = Record<string, UploadedFile | null>;
export type StoreOptions = Map<string, StoreOptionDocument>;

/** The store items and registry availability of each required document of the procedure; empty when the API has none. */
export function useStoreOptions(nationalCode: string) {
  const q = useQuery({
    queryKey: ['store-options', nationalCode],
    queryFn: async ({ signal }) => {
      try {
        return (await storeApi.options(nationalCode, signal)).documents;
      } catch {
        return [];
      }
    },
    staleTime: 0,
  });
  const map: StoreOptions = new Map((q.data ?? []).map((d) => [d.requirement, d]));
  return { options: map, pending: q.isPending };
}

/** Whether the document can be satisfied otherwise than by an upload. */
export function offersReuse(o: StoreOptionDocument | undefined): o is StoreOptionDocument {
  return !!o && (!!o.evidenceType || o.storeItems.length > 0 || !!o.registry);
}

function modeOf(choices: Choices, code: string): ChoiceMode {
  return choices[code]?.mode ?? 'upload';
}

/**
 * The documents as the API takes them: uploads, store items and registry fetches, with the consent
 * given (`consent` false: a draft, which keeps the choices without consent).
 */
export function choiceInputs(files: Files, choices: Choices, consent = true): ReuseDocumentInput[] {
  const codes = new Set([...Object.keys(files), ...Object.keys(choices)]);
  const out: ReuseDocumentInput[] = [];
  for (const requirement of codes) {
    const c = choices[requirement];
    if (c?.mode === 'store') {
      if (c.item) out.push(consent ? { requirement, storeItem: c.item, consent: true } : { requirement, storeItem: c.item });
    } else if (c?.mode === 'registry') out.push(consent ? { requirement, fromRegistry: true, consent: true } : { requirement, fromRegistry: true });
    else {
      const f = files[requirement];
      if (f) out.push({ requirement, upload: f.id });
    }
  }
  return out;
}

/** Mandatory documents given neither a file nor a store item nor the registry; a store choice without an item. */
export function missingChoices(t: TFunction, documents: RequiredDocument[], files: Files, choices: Choices): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of documents) {
    const mode = modeOf(choices, d.code);
    if (mode === 'store' && !choices[d.code]?.item) errors[d.code] = t('datastore.chooseItem');
    else if (mode === 'upload' && d.mandatory && !files[d.code]) errors[d.code] = t('submit.documentRequired');
  }
  return errors;
}

/** The reused documents (store or registry) to consent to. */
export function reusedChoices(documents: RequiredDocument[], choices: Choices): RequiredDocument[] {
  return documents.filter((d) => {
    const c = choices[d.code];
    return (c?.mode === 'store' && !!c.item) || c?.mode === 'registry';
  });
}

export function DocumentChoices({
  documents,
  options,
  files,
  choices,
  errors,
  onFile,
  onChoice,
}: {
  documents: RequiredDocument[];
  options: StoreOptions;
  files: Files;
  choices: Choices;
  errors: Record<string, string>;
  onFile: (code: string, f: UploadedFile | null) => void;
  onChoice: (code: string, c: Choice) => void;
}) {
  return (
    <>
      {documents.map((d) => {
        const o = options.get(d.code);
        if (!offersReuse(o))
          return <UploadControl key={d.code} label={d.name} note={d.note} required={d.mandatory} value={files[d.code] ?? null} error={errors[d.code]} onChange={(u) => onFile(d.code, u)} />;
        return <OneChoice key={d.code} doc={d} option={o} file={files[d.code] ?? null} choice={choices[d.code] ?? { mode: 'upload' }} error={errors[d.code]} onFile={(u) => onFile(d.code, u)} onChoice={(c) => onChoice(d.code, c)} />;
      })}
    </>
  );
}

function OneChoice({
  doc,
  option,
  file,
  choice,
  error,
  onFile,
  onChoice,
}: {
  doc: RequiredDocument;
  option: StoreOptionDocument;
  file: UploadedFile | null;
  choice: Choice;
  error: string | undefined;
  onFile: (f: UploadedFile | null) => void;
  onChoice: (c: Choice) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const usable = option.storeItems.filter((x) => x.usable);
  const registry = option.registry ?? null;
  const errId = error ? `${id}-err` : undefined;
  const radio = (mode: ChoiceMode, label: string, disabled: boolean, note?: string) => (
    <div className="radio">
      <input
        type="radio"
        id={`${id}-${mode}`}
        name={`${id}-mode`}
        checked={choice.mode === mode}
        disabled={disabled}
        aria-invalid={error && choice.mode === mode ? true : undefined}
        aria-describedby={[errId, note ? `${id}-${mode}-note` : ''].filter(Boolean).join(' ') || undefined}
        onChange={() => onChoice(mode === 'store' ? { mode, item: usable.length === 1 ? usable[0]!.id : null } : { mode })}
      />
      <label htmlFor={`${id}-${mode}`}>{label}</label>
      {note && (
        <span id={`${id}-${mode}-note`} className="hint">
          {' '}
          {note}
        </span>
      )}
    </div>
  );
  return (
    <fieldset className="choice doc-choice">
      <legend>
        {doc.name}
        {doc.mandatory && <RequiredMark />}
      </legend>
      {doc.note && <p className="hint">{doc.note}</p>}
      {option.evidenceTypeName && <p className="hint">{t('datastore.evidenceOf', { name: option.evidenceTypeName })}</p>}
      {error && (
        <p id={errId} className="field-error">
          {error}
        </p>
      )}
      {radio('upload', t('datastore.modeUpload'), false)}
      {radio('store', t('datastore.modeStore'), option.storeItems.length === 0, option.storeItems.length === 0 ? t('datastore.storeEmptyFor') : undefined)}
      {registry &&
        radio(
          'registry',
          t('datastore.modeRegistry', { registry: t(`datastore.registryName.${registry.name}`) }),
          !registry.available,
          registry.available ? t('datastore.registryKey', { key: registry.subjectKeyMasked ?? '' }) : t(`datastore.registryUnavailable.${registry.name}`),
        )}
      <div className="nested">
        {choice.mode === 'upload' && <UploadControl label={t('datastore.fileOf', { name: doc.name })} required={doc.mandatory} value={file} onChange={onFile} />}
        {choice.mode === 'store' && (
          <fieldset className="choice">
            <legend>{t('datastore.pickItem')}</legend>
            {option.storeItems.map((x) => (
              <div className="radio store-item" key={x.id}>
                <input
                  type="radio"
                  id={`${id}-item-${x.id}`}
                  name={`${id}-item`}
                  checked={choice.item === x.id}
                  disabled={!x.usable}
                  aria-describedby={`${id}-item-${x.id}-d`}
                  onChange={() => onChoice({ mode: 'store', item: x.id })}
                />
                <label htmlFor={`${id}-item-${x.id}`}>{x.title}</label>
                <span id={`${id}-item-${x.id}-d`} className="cell-note">
                  {x.issuerName ? `${x.issuerName} · ` : ''}
                  <ItemDates issuedOn={x.issuedOn} validUntil={x.validUntil} /> <UsableBadge usable={x.usable} reason={x.unusableReason} />
                </span>
                {x.usable && (
                  <a href={storeLinks.file(x.id)} target="_blank" rel="noopener noreferrer">
                    {t('datastore.previewItem', { title: x.title })}
                    <span className="sr-only"> {t('app.newTab')}</span>
                  </a>
                )}
              </div>
            ))}
          </fieldset>
        )}
        {choice.mode === 'registry' && registry && <p className="hint">{t('datastore.registryExplain', { registry: t(`datastore.registryName.${registry.name}`), key: registry.subjectKeyMasked ?? '' })}</p>}
      </div>
    </fieldset>
  );
}

/** The explicit consent before reused evidence joins the dossier: what will be used, and one checkbox. */
export function ConsentStep({
  documents,
  options,
  choices,
  consent,
  onConsent,
}: {
  documents: RequiredDocument[];
  options: StoreOptions;
  choices: Choices;
  consent: boolean;
  onConsent: (v: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const reused = reusedChoices(documents, choices);
  if (reused.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-h`} className="consent">
      <h3 id={`${id}-h`}>{t('datastore.consentTitle')}</h3>
      <p>{t('datastore.consentIntro')}</p>
      <ul id={`${id}-list`}>
        {reused.map((d) => (
          <li key={d.code}>
            <ReuseLine doc={d} option={options.get(d.code)} choice={choices[d.code]!} />
          </li>
        ))}
      </ul>
      <div className="checkbox">
        <input type="checkbox" id={`${id}-c`} checked={consent} aria-describedby={`${id}-list`} onChange={(e) => onConsent(e.target.checked)} />
        <label htmlFor={`${id}-c`}>{t('datastore.consentCheck', { count: reused.length })}</label>
      </div>
      {!consent && <p className="hint">{t('datastore.consentNeeded')}</p>}
    </section>
  );
}

/** "Giấy khai sinh …: «Giấy khai sinh — Nguyễn Minh Khang» từ kho dữ liệu của tôi". */
function ReuseLine({ doc, option, choice }: { doc: RequiredDocument; option: StoreOptionDocument | undefined; choice: Choice }) {
  const { t } = useTranslation();
  if (choice.mode === 'store') {
    const item = option?.storeItems.find((x) => x.id === choice.item);
    return (
      <>
        <strong>{doc.name}</strong>: {t('datastore.reuseStore', { title: item?.title ?? `#${choice.item}` })}{' '}
        {item && (
          <a href={storeLinks.file(item.id)} target="_blank" rel="noopener noreferrer">
            {t('datastore.previewItem', { title: item.title })}
            <span className="sr-only"> {t('app.newTab')}</span>
          </a>
        )}
      </>
    );
  }
  const r = option?.registry;
  return (
    <>
      <strong>{doc.name}</strong>: {t('datastore.reuseRegistry', { registry: r ? t(`datastore.registryName.${r.name}`) : '', key: r?.subjectKeyMasked ?? '' })}
    </>
  );
}

/** The documents as reviewed before submitting: the file, the store item or the registry. */
export function ChoicesReview({ documents, options, files, choices }: { documents: RequiredDocument[]; options: StoreOptions; files: Files; choices: Choices }) {
  const { t } = useTranslation();
  return (
    <ul className="item-list">
      {documents.map((d) => {
        const c = choices[d.code];
        const o = options.get(d.code);
        let text: string;
        if (c?.mode === 'store' && c.item) text = t('datastore.reuseStore', { title: o?.storeItems.find((x) => x.id === c.item)?.title ?? `#${c.item}` });
        else if (c?.mode === 'registry' && o?.registry) text = t('datastore.reuseRegistry', { registry: t(`datastore.registryName.${o.registry.name}`), key: o.registry.subjectKeyMasked ?? '' });
        else text = files[d.code] ? (files[d.code]?.filename ?? t('upload.savedFile')) : t('submit.noFile');
        return (
          <li key={d.code}>
            <span className="break">
              {d.name}
              <span className="cell-note">{text}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
