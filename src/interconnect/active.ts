// Whether interconnection runs in this process. Hot paths that only matter when it does (the
// dossier event log asking whether an event concerns another member) check this first, so a
// member without interconnection pays nothing. Set by Interconnect.start(); never unset: a stopped
// instance only means no delivery, while rows written meanwhile are still worth enqueueing.
let active = false;

export function markInterconnectActive(): void {
  active = true;
}

export function interconnectActive(): boolean {
  return active;
}
