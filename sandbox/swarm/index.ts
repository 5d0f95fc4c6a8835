/** Rehearsal on a Docker swarm: deploy, remove, and the chaos platform where Swarm repairs. */
export { deploySwarm, removeSwarm } from './deploy.js';
export { swarmPlatform } from './chaos-platform.js';
