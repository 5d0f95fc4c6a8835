import { pack } from 'tar-stream';
import type { ContainerFile } from './engine.js';

/**
 * A tar archive of files at absolute container paths, for the engine's "put archive" call.
 * No directory entries: the engine creates missing parents (0755, root), and an entry for an
 * existing directory such as /etc would reset its owner and mode.
 */
export async function tarOf(files: ContainerFile[]): Promise<Buffer> {
  const p = pack();
  for (const f of files) {
    p.entry(
      { name: f.path.replace(/^\/+/, ''), mode: f.mode, uid: f.uid ?? 0, gid: f.gid ?? 0 },
      f.content,
    );
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
