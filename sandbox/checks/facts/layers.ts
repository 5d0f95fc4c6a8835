import { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

/** One file of an image layer, with what its first bytes say it is. */
export interface LayerFile {
  layer: string;
  path: string;
  bytes: number;
  /** ELF binary, script (#!) or Java archive: software rather than data. */
  software: boolean;
}

export interface LayerScan {
  layers: number;
  /** The largest files over all layers, largest first. */
  largest: LayerFile[];
}

const SOFTWARE_EXTENSIONS = /\.(jar|war|ear|so(\.\d+)*|node|wasm|pyc|dll)$/i;

function isSoftware(path: string, head: Buffer): boolean {
  if (head.length >= 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF') return true;
  if (head.length >= 2 && head.toString('latin1', 0, 2) === '#!') return true;
  return SOFTWARE_EXTENSIONS.test(path);
}

/** Reads an entry's first bytes and drains the rest. */
async function headOf(stream: AsyncIterable<Buffer>, want = 4): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of stream) {
    if (have < want) {
      parts.push(chunk);
      have += chunk.length;
    }
  }
  return Buffer.concat(parts).subarray(0, want);
}

/** The files of one layer tarball larger than `minBytes`. */
async function scanLayer(
  layer: string,
  tar: AsyncIterable<Buffer>,
  minBytes: number,
  out: LayerFile[],
): Promise<void> {
  const inner = extract();
  const done = (async () => {
    for await (const entry of inner) {
      const h: Header = entry.header;
      if (h.type === 'file' && (h.size ?? 0) >= minBytes) {
        const head = await headOf(entry as AsyncIterable<Buffer>);
        out.push({
          layer,
          path: `/${h.name}`,
          bytes: h.size ?? 0,
          software: isSoftware(h.name, head),
        });
      } else entry.resume();
    }
  })();
  Readable.from(tar).pipe(inner);
  await done;
}

/**
 * Looks inside a `docker save` stream: every layer's files of `minBytes` or more, the largest
 * first. Reads the stream once and keeps no file content.
 */
export async function scanImageLayers(
  save: NodeJS.ReadableStream,
  minBytes = 1024 * 1024,
  keep = 10,
): Promise<LayerScan> {
  const outer = extract();
  const found: LayerFile[] = [];
  let layers = 0;
  const done = (async () => {
    for await (const entry of outer) {
      const name = entry.header.name;
      // docker save (v1.2): <id>/layer.tar; OCI layout: blobs/sha256/<digest> (a tar or gzip).
      if (name.endsWith('/layer.tar')) {
        layers++;
        await scanLayer(
          name.slice(0, name.indexOf('/')).slice(0, 12),
          entry as AsyncIterable<Buffer>,
          minBytes,
          found,
        );
      } else entry.resume();
    }
  })();
  Readable.from(save as AsyncIterable<Buffer>).pipe(outer);
  await done;
  found.sort((a, b) => b.bytes - a.bytes);
  return { layers, largest: found.slice(0, keep) };
}
