import type Docker from 'dockerode';
import type { ImageBuild } from '../images/catalogue.js';
import { ignore404, labelFilter, statusCode } from './docker-api.js';
import { createOptions, detailsFrom, summaryFrom } from './docker-containers.js';
import { buildImage, imageDetailsFrom, importImage, pullImage } from './docker-images.js';
import { containerEvents, containerLogs, execIn } from './docker-streams.js';
import { changesFrom, processesFrom, usageFrom } from './docker-usage.js';
import { tarOf } from './tar.js';
import type {
  ContainerDetails,
  ContainerEvent,
  ContainerSpec,
  ContainerSummary,
  ContainerProcess,
  ContainerUsage,
  Engine,
  EngineInfo,
  FileChange,
  ImageDetails,
  LogLine,
  LogOptions,
  Progress,
} from './engine.js';

/**
 * The Docker Engine API through dockerode: this class and the docker-*.ts files beside it are
 * the only code that knows dockerode exists. Each method is one Engine API call and the status
 * codes it forgives; translations to and from Rehearsal's types live in those files.
 */
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
    return imageDetailsFrom(await this.docker.getImage(tag).inspect());
  }

  async pullImage(
    tag: string,
    onProgress: (p: Progress) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await pullImage(this.docker, tag, onProgress, signal);
  }

  async buildImage(
    build: ImageBuild,
    onProgress: (p: Progress) => void,
    signal?: AbortSignal,
    labels: Record<string, string> = {},
  ): Promise<void> {
    await buildImage(this.docker, build, onProgress, signal, labels);
  }

  async importImage(tag: string, tarball: NodeJS.ReadableStream): Promise<void> {
    await importImage(this.docker, tag, tarball);
  }

  async saveImage(tag: string): Promise<NodeJS.ReadableStream> {
    return this.docker.getImage(tag).get();
  }

  async removeImage(tag: string): Promise<void> {
    await ignore404(this.docker.getImage(tag).remove({ force: true }));
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

  async disconnectNetwork(network: string, id: string): Promise<void> {
    await this.docker.getNetwork(network).disconnect({ Container: id, Force: true });
  }

  async connectNetwork(network: string, id: string, aliases: string[]): Promise<void> {
    await this.docker
      .getNetwork(network)
      .connect({ Container: id, EndpointConfig: { Aliases: aliases } });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const c = await this.docker.createContainer(createOptions(spec));
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

  /** Removes a container and its anonymous volumes (an image's VOLUME); named volumes stay. */
  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    await ignore404(
      this.docker.getContainer(id).remove({ force: options.force ?? false, v: true }),
      [409],
    );
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const list = await this.docker.listContainers({ all: true, filters: labelFilter(labels) });
    return list.map(summaryFrom);
  }

  async inspectContainer(id: string): Promise<ContainerDetails> {
    return detailsFrom(await this.docker.getContainer(id).inspect());
  }

  async exec(
    id: string,
    command: string[],
    timeoutMs = 15_000,
  ): Promise<{ exitCode: number; output: string[] }> {
    return execIn(this.docker, id, command, timeoutMs);
  }

  logs(id: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine> {
    return containerLogs(this.docker, id, options, signal);
  }

  events(labels: Record<string, string>, signal: AbortSignal): AsyncIterable<ContainerEvent> {
    return containerEvents(this.docker, labels, signal);
  }

  async stats(id: string): Promise<ContainerUsage> {
    return usageFrom(await this.docker.getContainer(id).stats({ stream: false }));
  }

  async diffContainer(id: string): Promise<FileChange[]> {
    const changes = ((await this.docker.getContainer(id).changes()) ?? []) as {
      Path: string;
      Kind: number;
    }[];
    return changesFrom(changes);
  }

  async topContainer(id: string): Promise<ContainerProcess[]> {
    const top = (await this.docker.getContainer(id).top({ ps_args: '-o pid,ppid,args' })) as {
      Titles: string[];
      Processes: string[][];
    };
    return processesFrom(top);
  }
}
