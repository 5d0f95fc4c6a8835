import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import type { ImageBuild } from '../images/catalogue.js';
import { demuxLines, jsonLines } from './demux.js';
import { tarOf } from './tar.js';
import type {
  ContainerDetails,
  ContainerEvent,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  ContainerProcess,
  ContainerUsage,
  DockerHealth,
  Engine,
  EngineInfo,
  FileChange,
  ImageDetails,
  LogLine,
  LogOptions,
  Progress,
} from './engine.js';

const NS_PER_MS = 1_000_000;

function labelFilter(labels: Record<string, string>): string {
  return JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
}

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** The Docker Engine API through dockerode: the only file that knows dockerode exists. */
export class DockerEngine implements Engine {
  constructor(
    private readonly docker: Docker,
    readonly endpoint: string,
  ) {}

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
    return {
      serverVersion: String(version.Version),
      apiVersion: String(version.ApiVersion),
      os: String(info.OperatingSystem),
      architecture: String(info.Architecture),
      cpus: Number(info.NCPU),
      memoryBytes: Number(info.MemTotal),
    };
  }

  async imageExists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  async inspectImage(tag: string): Promise<ImageDetails> {
    const i = await this.docker.getImage(tag).inspect();
    const cfg = i.Config ?? ({} as Docker.ImageInspectInfo['Config']);
    const health = (cfg as { Healthcheck?: { Test?: string[] } }).Healthcheck;
    return {
      id: i.Id,
      architecture: i.Architecture,
      os: i.Os,
      sizeBytes: i.Size,
      exposedPorts: Object.keys(cfg.ExposedPorts ?? {}).map((p) => Number.parseInt(p, 10)),
      env: cfg.Env ?? [],
      user: cfg.User ?? '',
      entrypoint: asArray(cfg.Entrypoint),
      cmd: asArray(cfg.Cmd),
      ...(health?.Test ? { healthcheck: health.Test } : {}),
      ...(cfg.Labels && Object.keys(cfg.Labels).length > 0 ? { labels: cfg.Labels } : {}),
      volumes: Object.keys((cfg as { Volumes?: Record<string, unknown> | null }).Volumes ?? {}),
    };
  }

  async pullImage(
    tag: string,
    onProgress: (p: Progress) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let stream: Readable;
    try {
      stream = (await this.docker.pull(tag, signal ? { abortSignal: signal } : {})) as Readable;
    } catch (err) {
      throw new UserError(`cannot pull image ${tag}: ${(err as Error).message}`, {
        hint: 'Check the image name and your registry access (`docker login`), or build it locally. With no registry at all, set REHEARSAL_IMAGES=offline after `npm run images:offline`.',
        cause: err,
      });
    }
    await followProgress(stream, onProgress, `pull of ${tag}`);
  }

  async buildImage(
    build: ImageBuild,
    onProgress: (p: Progress) => void,
    signal?: AbortSignal,
    labels: Record<string, string> = {},
  ): Promise<void> {
    const temp = build.extraFiles ? await mkdtemp(join(tmpdir(), 'rehearsal-build-')) : undefined;
    try {
      let context = build.context;
      let files = await expandFiles(build.context, build.files);
      if (temp) {
        for (const f of files) await cp(join(build.context, f), join(temp, f), { recursive: true });
        for (const [name, source] of Object.entries(build.extraFiles ?? {})) {
          await cp(source, join(temp, name));
          files.push(name);
        }
        context = temp;
        files = [...new Set(files)];
      }
      const stream = (await this.docker.buildImage(
        { context, src: files },
        {
          t: build.tag,
          dockerfile: build.dockerfile,
          buildargs: build.buildArgs,
          labels,
          rm: true,
          ...(signal ? { abortSignal: signal } : {}),
        },
      )) as Readable;
      await followProgress(stream, onProgress, `build of ${build.tag}`);
    } finally {
      if (temp) await rm(temp, { recursive: true, force: true });
    }
  }

  async importImage(tag: string, tarball: NodeJS.ReadableStream): Promise<void> {
    const [repo, version] = splitTag(tag);
    const stream = (await this.docker.importImage(tarball, { repo, tag: version })) as Readable;
    await followProgress(stream, () => undefined, `import of ${tag}`);
  }

  async ensureNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal?: boolean } = {},
  ): Promise<void> {
    const existing = await this.docker.listNetworks({ filters: JSON.stringify({ name: [name] }) });
    if (existing.some((n) => n.Name === name)) return;
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Labels: labels,
        CheckDuplicate: true,
        ...(options.internal ? { Internal: true } : {}),
      });
    } catch (err) {
      if (statusCode(err) !== 409) throw err; // 409: created meanwhile by a concurrent `up`.
    }
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    try {
      await this.docker.getVolume(name).inspect();
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.docker.createVolume({ Name: name, Labels: labels });
    }
  }

  async listNetworks(labels: Record<string, string>) {
    const list = await this.docker.listNetworks({ filters: labelFilter(labels) });
    return list.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }));
  }

  async listVolumes(labels: Record<string, string>) {
    const list = await this.docker.listVolumes({ filters: labelFilter(labels) });
    return (list.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeNetwork(name: string): Promise<void> {
    await ignore404(this.docker.getNetwork(name).remove());
  }

  async removeVolume(name: string): Promise<void> {
    await ignore404(this.docker.getVolume(name).remove());
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const exposed = Object.fromEntries(spec.publish.map((p) => [`${p.container}/tcp`, {}]));
    const bindings = Object.fromEntries(
      spec.publish.map((p) => [
        `${p.container}/tcp`,
        [{ HostIp: '127.0.0.1', HostPort: p.host === undefined ? '' : String(p.host) }],
      ]),
    );
    const c = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      ...(spec.command ? { Cmd: spec.command } : {}),
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      ExposedPorts: exposed,
      ...(spec.user !== undefined ? { User: spec.user } : {}),
      StopTimeout: spec.stopTimeoutSeconds,
      ...(spec.healthcheck
        ? {
            Healthcheck: {
              Test: spec.healthcheck.test,
              Interval: spec.healthcheck.intervalMs * NS_PER_MS,
              Timeout: spec.healthcheck.timeoutMs * NS_PER_MS,
              Retries: spec.healthcheck.retries,
              StartPeriod: spec.healthcheck.startPeriodMs * NS_PER_MS,
            },
          }
        : {}),
      HostConfig: {
        NetworkMode: spec.shareNetworkOf ? `container:${spec.shareNetworkOf}` : spec.network,
        PortBindings: bindings,
        // Memory and swap equal: the declared maximum is a real ceiling, not a soft hint.
        ...(spec.memoryBytes ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes } : {}),
        Mounts: spec.volumes.map((v) => ({
          Type: 'volume' as const,
          Source: v.volume,
          Target: v.target,
        })),
        RestartPolicy: { Name: 'no' },
      },
      ...(spec.shareNetworkOf
        ? {}
        : { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } } }),
    });
    if (spec.files && spec.files.length > 0) {
      await c.putArchive(await tarOf(spec.files), { path: '/' });
    }
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusCode(err) !== 304) throw err; // 304: already running.
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (err) {
      if (statusCode(err) !== 304 && statusCode(err) !== 404) throw err;
    }
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal });
    } catch (err) {
      if (statusCode(err) !== 409 && statusCode(err) !== 404) throw err; // 409: not running.
    }
  }

  async pauseContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).pause();
  }

  async unpauseContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).unpause();
    } catch (err) {
      if (statusCode(err) !== 409 && statusCode(err) !== 404) throw err; // 409: not paused.
    }
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.docker.getContainer(id).restart({ t: timeoutSeconds });
  }

  async disconnectNetwork(network: string, id: string): Promise<void> {
    await this.docker.getNetwork(network).disconnect({ Container: id, Force: true });
  }

  async connectNetwork(network: string, id: string, aliases: string[]): Promise<void> {
    await this.docker
      .getNetwork(network)
      .connect({ Container: id, EndpointConfig: { Aliases: aliases } });
  }

  /** Removes a container and its anonymous volumes (an image's VOLUME); named volumes stay. */
  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    await ignore404(
      this.docker.getContainer(id).remove({ force: options.force ?? false, v: true }),
      [409],
    );
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const list = await this.docker.listContainers({ all: true, filters: labelFilter(labels) });
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      labels: c.Labels ?? {},
      state: c.State as ContainerState,
      created: c.Created,
      published: Object.fromEntries(
        (c.Ports ?? [])
          .filter((p) => p.PublicPort && p.IP !== '::')
          .map((p) => [p.PrivatePort, p.PublicPort]),
      ),
    }));
  }

  async inspectContainer(id: string): Promise<ContainerDetails> {
    const c = await this.docker.getContainer(id).inspect();
    const published: Record<number, number> = {};
    for (const [port, binds] of Object.entries(c.NetworkSettings.Ports ?? {})) {
      const host = (binds ?? []).find((b) => b.HostIp === '127.0.0.1');
      if (host) published[Number.parseInt(port, 10)] = Number(host.HostPort);
    }
    const network = Object.values(c.NetworkSettings.Networks ?? {})[0];
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      labels: c.Config.Labels ?? {},
      state: c.State.Status as ContainerState,
      created: Math.floor(Date.parse(c.Created) / 1000),
      published,
      health: ((c.State as { Health?: { Status?: string } }).Health?.Status ??
        'none') as DockerHealth,
      exitCode: c.State.ExitCode,
      oomKilled: c.State.OOMKilled,
      ...(c.State.StartedAt && !c.State.StartedAt.startsWith('0001')
        ? { startedAt: c.State.StartedAt }
        : {}),
      ...(c.State.FinishedAt && !c.State.FinishedAt.startsWith('0001')
        ? { finishedAt: c.State.FinishedAt }
        : {}),
      memoryLimitBytes: c.HostConfig.Memory ?? 0,
      ...(network?.IPAddress ? { ipAddress: network.IPAddress } : {}),
      addresses: Object.values(c.NetworkSettings.Networks ?? {})
        .map((n) => n.IPAddress)
        .filter(Boolean),
      restartCount: c.RestartCount,
    };
  }

  async exec(
    id: string,
    command: string[],
    timeoutMs = 15_000,
  ): Promise<{ exitCode: number; output: string[] }> {
    const e = await this.docker
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

  async *logs(id: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine> {
    const container = this.docker.getContainer(id);
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

  async stats(id: string): Promise<ContainerUsage> {
    return usageFrom(await this.docker.getContainer(id).stats({ stream: false }));
  }

  async *events(
    labels: Record<string, string>,
    signal: AbortSignal,
  ): AsyncIterable<ContainerEvent> {
    const filters = JSON.parse(labelFilter(labels)) as { label: string[] };
    const stream = (await this.docker.getEvents({
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

  async diffContainer(id: string): Promise<FileChange[]> {
    const kinds = ['changed', 'added', 'deleted'] as const;
    const changes = ((await this.docker.getContainer(id).changes()) ?? []) as {
      Path: string;
      Kind: number;
    }[];
    return changes.map((c) => ({ path: c.Path, kind: kinds[c.Kind] ?? 'changed' }));
  }

  async topContainer(id: string): Promise<ContainerProcess[]> {
    const top = (await this.docker.getContainer(id).top({ ps_args: '-o pid,ppid,args' })) as {
      Titles: string[];
      Processes: string[][];
    };
    const col = (name: string) => top.Titles.findIndex((t) => t.toUpperCase() === name);
    const [pid, ppid, args] = [col('PID'), col('PPID'), col('COMMAND')];
    return top.Processes.map((p) => ({
      pid: Number(p[pid]),
      ppid: Number(p[ppid]),
      command: p[args < 0 ? p.length - 1 : args] ?? '',
    }));
  }

  async saveImage(tag: string): Promise<NodeJS.ReadableStream> {
    return this.docker.getImage(tag).get();
  }

  async removeImage(tag: string): Promise<void> {
    await ignore404(this.docker.getImage(tag).remove({ force: true }));
  }
}

/**
 * `docker stats` arithmetic: memory without the reclaimable page cache (cgroup v2 names it
 * inactive_file, v1 total_inactive_file), CPU as the container's share of the host's time between
 * the engine's two readings, times the CPUs online.
 */
export function usageFrom(s: Docker.ContainerStats): ContainerUsage {
  const mem = s.memory_stats ?? ({} as Docker.ContainerStats['memory_stats']);
  const extra = (mem.stats ?? {}) as Partial<Docker.MemoryStats['stats']>;
  const cache = extra.inactive_file ?? extra.total_inactive_file ?? 0;
  const memoryBytes = Math.max(0, (mem.usage ?? 0) - cache);
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  // Without a previous reading (the engine's first sample) there is no interval to measure.
  const measured = (pre?.system_cpu_usage ?? 0) > 0 && cpuDelta > 0 && systemDelta > 0;
  const cpuPercent = measured ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  return { memoryBytes, memoryLimitBytes: mem.limit ?? 0, cpuPercent };
}

function asArray(v: string | string[] | undefined | null): string[] {
  if (!v) return [];
  return Array.isArray(v) ? v : [v];
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return at > tag.lastIndexOf('/') ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, 'latest'];
}

async function ignore404(p: Promise<unknown>, also: number[] = []): Promise<void> {
  try {
    await p;
  } catch (err) {
    const code = statusCode(err);
    if (code !== 404 && !also.includes(code ?? 0)) throw err;
  }
}

/** Every file under the given context-relative paths (directories walked), relative to context. */
async function expandFiles(context: string, entries: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(abs: string): Promise<void> {
    if ((await stat(abs)).isDirectory()) {
      for (const child of await readdir(abs)) await walk(join(abs, child));
    } else {
      out.push(relative(context, abs));
    }
  }
  for (const e of entries) {
    try {
      await walk(join(context, e));
    } catch (cause) {
      throw new UserError(`the build of an image needs ${join(context, e)}, which is missing`, {
        hint: 'Run `npm run build` in the Rehearsal folder first (it bundles the programs that go into images).',
        cause,
      });
    }
  }
  return out;
}

/** Reads a pull/build/import progress stream; a failure reported inside the stream throws. */
async function followProgress(
  stream: Readable,
  onProgress: (p: Progress) => void,
  what: string,
): Promise<void> {
  const tail: string[] = [];
  for await (const raw of jsonLines(stream)) {
    const e = raw as {
      status?: string;
      stream?: string;
      id?: string;
      error?: string;
      errorDetail?: { message?: string };
      progressDetail?: { current?: number; total?: number };
    };
    if (e.error || e.errorDetail) {
      const message = e.errorDetail?.message ?? e.error ?? 'unknown error';
      throw new UserError(
        `the ${what} failed: ${message}${tail.length ? `\nLast output:\n  ${tail.join('\n  ')}` : ''}`,
        {
          hint: "Read the output above: it is the engine's own. Fix the Dockerfile or the image name and run again.",
        },
      );
    }
    const status = (e.stream ?? e.status ?? '').trimEnd();
    if (!status) continue;
    tail.push(status);
    if (tail.length > 8) tail.shift();
    onProgress({
      ...(e.id ? { id: e.id } : {}),
      status,
      ...(e.progressDetail?.current !== undefined ? { current: e.progressDetail.current } : {}),
      ...(e.progressDetail?.total !== undefined ? { total: e.progressDetail.total } : {}),
    });
  }
}
