import type { ImageBuild } from '../images/catalogue.js';

/**
 * Rehearsal's view of a container engine. Core code and its unit tests see this interface only,
 * never dockerode (../shared/STYLE.md: hide the Docker client behind our own interface).
 */
export interface Engine {
  /** Where the engine was found, for messages ("unix:///var/run/docker.sock (default socket)"). */
  readonly endpoint: string;
  info(): Promise<EngineInfo>;

  imageExists(tag: string): Promise<boolean>;
  inspectImage(tag: string): Promise<ImageDetails>;
  pullImage(tag: string, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<void>;
  /** Builds `build.tag`; `labels` are added to the image. */
  buildImage(
    build: ImageBuild,
    onProgress: (p: Progress) => void,
    signal?: AbortSignal,
    labels?: Record<string, string>,
  ): Promise<void>;
  /** Imports a root filesystem tarball as an image (`docker import`). */
  importImage(tag: string, tarball: NodeJS.ReadableStream): Promise<void>;

  /** `internal`: a network with no route out of the host (`docker network create --internal`). */
  ensureNetwork(
    name: string,
    labels: Record<string, string>,
    options?: { internal?: boolean },
  ): Promise<void>;
  ensureVolume(name: string, labels: Record<string, string>): Promise<void>;
  listNetworks(
    labels: Record<string, string>,
  ): Promise<{ name: string; labels: Record<string, string> }[]>;
  listVolumes(
    labels: Record<string, string>,
  ): Promise<{ name: string; labels: Record<string, string> }[]>;
  removeNetwork(name: string): Promise<void>;
  removeVolume(name: string): Promise<void>;

  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  killContainer(id: string, signal?: string): Promise<void>;
  /** Freezes every process of a container (cgroup freezer); `unpauseContainer` thaws them. */
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Stop (SIGTERM, SIGKILL after `timeoutSeconds`) and start again, keeping the container. */
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Takes a container off a network, as a network partition would. */
  disconnectNetwork(network: string, id: string): Promise<void>;
  /** Puts a container back on a network with its DNS aliases. */
  connectNetwork(network: string, id: string, aliases: string[]): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
  /** Containers with every label given (an empty value: with the label, whatever its value). */
  listContainers(labels: Record<string, string>): Promise<ContainerSummary[]>;
  inspectContainer(id: string): Promise<ContainerDetails>;
  /** Log lines of a container, demultiplexed; ends when the container stops (follow) or at EOF. */
  logs(id: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine>;
  /** Container events for the given labels until the signal aborts. */
  events(labels: Record<string, string>, signal: AbortSignal): AsyncIterable<ContainerEvent>;
  /**
   * One resource sample of a running container. The engine measures CPU between two readings
   * about a second apart, so a call takes that long.
   */
  stats(id: string): Promise<ContainerUsage>;
  /** What a container changed in its file system against its image (`docker diff`). */
  diffContainer(id: string): Promise<FileChange[]>;
  /**
   * Runs a command in a running container (`docker exec`): its exit code (-1 when it had not
   * finished after `timeoutMs`, default 15 s) and output lines.
   */
  exec(
    id: string,
    command: string[],
    timeoutMs?: number,
  ): Promise<{ exitCode: number; output: string[] }>;
  /** The processes running in a container (`docker top`). */
  topContainer(id: string): Promise<ContainerProcess[]>;
  /** The image as a `docker save` tar stream: its layers, to look inside them. */
  saveImage(tag: string): Promise<NodeJS.ReadableStream>;
  /** Removes an image by tag (nothing when it does not exist). */
  removeImage(tag: string): Promise<void>;
}

export interface FileChange {
  path: string;
  kind: 'changed' | 'added' | 'deleted';
}

export interface ContainerProcess {
  pid: number;
  ppid: number;
  /** The command line as `ps` shows it. */
  command: string;
}

export interface ContainerUsage {
  /** Memory in use, page cache excluded (as `docker stats` counts it). */
  memoryBytes: number;
  /** The container's memory limit; the host's memory when it has none. */
  memoryLimitBytes: number;
  /** Of one core: 100 is one core busy. */
  cpuPercent: number;
}

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  os: string;
  architecture: string;
  cpus: number;
  memoryBytes: number;
}

export interface Progress {
  /** A layer id or build step, when the engine says. */
  id?: string;
  status: string;
  current?: number;
  total?: number;
}

export interface ImageDetails {
  id: string;
  architecture: string;
  os: string;
  sizeBytes: number;
  exposedPorts: number[];
  env: string[];
  user: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck?: string[];
  /** The image's labels (OCI title, description, licence…); absent when it has none. */
  labels?: Record<string, string>;
  /** Paths the image declares as volumes (`VOLUME` in its Dockerfile). */
  volumes?: string[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  network: string;
  aliases: string[];
  /** Ports published on 127.0.0.1: at `host` when given, else at an ephemeral host port. */
  publish: { container: number; host?: number }[];
  /** Files written into the container before it starts (no bind mounts: works on any engine). */
  files?: ContainerFile[];
  memoryBytes?: number;
  volumes: { volume: string; target: string }[];
  healthcheck?: {
    test: string[];
    intervalMs: number;
    timeoutMs: number;
    retries: number;
    startPeriodMs: number;
  };
  stopTimeoutSeconds: number;
  /**
   * Join this container's network namespace instead of `network` (`--network container:<id>`):
   * a sidecar that sees the other's interfaces. No aliases, no published ports.
   */
  shareNetworkOf?: string;
  /** Run as this user instead of the image's (e.g. `root` for a packet capture). */
  user?: string;
}

export interface ContainerFile {
  /** Absolute path inside the container. */
  path: string;
  content: Buffer;
  mode: number;
  uid?: number;
  gid?: number;
}

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type DockerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** Unix seconds. */
  created: number;
  /** Internal port → host port on 127.0.0.1. */
  published: Record<number, number>;
}

export interface ContainerDetails extends ContainerSummary {
  health: DockerHealth;
  exitCode: number;
  oomKilled: boolean;
  startedAt?: string;
  finishedAt?: string;
  memoryLimitBytes: number;
  ipAddress?: string;
  /** Its address on every network it is attached to. */
  addresses?: string[];
  /** The names of the networks it is attached to. */
  networks?: string[];
  restartCount: number;
  /** Its health check's test (the image's, unless the container was given one): `CMD …`. */
  healthcheckTest?: string[];
}

export interface LogOptions {
  follow: boolean;
  tail?: number;
  /** Unix seconds. */
  since?: number;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ContainerEvent {
  action: string;
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Unix milliseconds. */
  time: number;
}
