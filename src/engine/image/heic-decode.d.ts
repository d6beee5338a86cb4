// Engine (image): the types of heic-decode (it ships none): decode the primary image of a HEIC buffer to RGBA.
declare module 'heic-decode' {
  const decode: (input: { buffer: Uint8Array }) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  export default decode;
}
