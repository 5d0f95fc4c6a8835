/** The engine's long-lived streams: a command's output (exec), a container's logs, and events. */

import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { labelFilter } from './docker-api.js';
import { demuxLines, jsonLines } from './demux.js';
import type { ContainerEvent, LogLine, LogOptions } from './engine.js';

/** `docker exec`: the exit code (-1 when still running after `timeoutMs`) and output lines. */
export async function execIn(
  docker: Docker,
  id: string,
  command: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; output: string[] }> {
  const e = await docker
    .getContainer(id)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = (await e.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const output: string[] = [];
  // The stream ends when the command does; the timer ends a command that hangs.
  const timer = setTimeout(() => stream.destroy(), timeoutMs);
  try {
    for await (const l of demuxLines(stream as AsyncIterable<Buffer>)) output.push(l.text);
  } catch {
    // Destroyed by the timer: the exit code below says it did not finish.
  } finally {
    clearTimeout(timer);
  }
  const { ExitCode, Running } = await e.inspect();
  return { exitCode: Running ? -1 : (ExitCode ?? -1), output };
}

/** A container's log lines, demultiplexed unless it has a TTY; following stops on `signal`. */
export async function* containerLogs(
  docker: Docker,
  id: string,
  options: LogOptions,
  signal?: AbortSignal,
): AsyncGenerator<LogLine> {
  const container = docker.getContainer(id);
  const tty = (await container.inspect()).Config.Tty;
  const base = {
    stdout: true,
    stderr: true,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
  };
  if (options.follow) {
    const stream = (await container.logs({ ...base, follow: true })) as unknown as Readable;
    // Removed when the stream ends: a long session follows many replicas on one signal.
    const stop = () => stream.destroy();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      yield* demuxLines(stream, tty);
    } catch (err) {
      if (!signal?.aborted) throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      stream.destroy();
    }
  } else {
    const buf = (await container.logs({ ...base, follow: false })) as unknown as Buffer;
    yield* demuxLines([buf], tty);
  }
}

/** Events of the containers carrying `labels`, until `signal` aborts. */
export async function* containerEvents(
  docker: Docker,
  labels: Record<string, string>,
  signal: AbortSignal,
): AsyncGenerator<ContainerEvent> {
  const filters = JSON.parse(labelFilter(labels)) as { label: string[] };
  const stream = (await docker.getEvents({
    filters: JSON.stringify({ type: ['container'], label: filters.label }),
  })) as unknown as Readable;
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const raw of jsonLines(stream)) {
      const e = raw as {
        Action: string;
        id: string;
        timeNano?: number;
        time: number;
        Actor?: { Attributes?: Record<string, string> };
      };
      const attributes = e.Actor?.Attributes ?? {};
      yield {
        action: e.Action,
        id: e.id,
        name: attributes.name ?? e.id,
        labels: attributes,
        time: e.timeNano ? Math.floor(e.timeNano / 1e6) : e.time * 1000,
      };
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}
