// Engine (host): the message protocol both off-main engines speak (the web door's worker, Electron's utilityProcess).

/** {id, method, args} -> {id, result}; {id, file, key} -> {id, path}; events flow out as {event, payload}. */
export interface HostRequest {
  id: number;
  method?: unknown;
  args?: unknown;
  file?: 'thumb' | 'photo';
  key?: number;
}

export interface HostReply {
  id: number;
  result?: unknown;
  path?: string | null;
}

interface Answering {
  call(method: unknown, args: unknown): Promise<unknown>;
  thumbFile(faceId: number): string | undefined;
  photoFile(photoId: number): string | undefined;
}

/** Answers one request once the host has opened, or says why the library could not be opened. */
export async function answer(opening: Promise<Answering>, msg: HostRequest): Promise<HostReply> {
  let host: Answering;
  try {
    host = await opening;
  } catch (err) {
    const error = { code: 'engine', message: `the library could not be opened: ${(err as Error).message}` };
    return { id: msg.id, result: { ok: false, error }, path: null };
  }
  if (msg.file) {
    const path = msg.file === 'thumb' ? host.thumbFile(Number(msg.key)) : host.photoFile(Number(msg.key));
    return { id: msg.id, path: path ?? null };
  }
  return { id: msg.id, result: await host.call(msg.method, msg.args) };
}
