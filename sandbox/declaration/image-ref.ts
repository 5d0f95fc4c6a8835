/** Registries that name Docker Hub, whose images are written without a host. */
const DOCKER_HUB =
  /^(index\.docker\.io|registry-1\.docker\.io|docker\.io|registry\.hub\.docker\.com)$/i;

/**
 * The image reference to pull: `product.build.binary.image` under its `registry`. An image that
 * already names a host (`ghcr.io/…`, `localhost:5000/…`), one on Docker Hub, and one whose
 * registry is no host (`"local"`) stay as written; otherwise the registry's host (and path) goes
 * in front: `registry.example.org/vendor/app:1`.
 */
export function imageReference(image: string, registry: string | undefined): string {
  const first = image.split('/')[0] ?? '';
  const hasHost = image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  if (registry === undefined || registry.trim() === '' || hasHost) return image;
  let host: string;
  let path: string;
  try {
    const url = new URL(
      /^[a-z][a-z0-9+.-]*:\/\//i.test(registry) ? registry : `https://${registry}`,
    );
    host = url.host;
    path = url.pathname.replace(/^\/+|\/+$/g, '');
  } catch {
    return image;
  }
  if (DOCKER_HUB.test(host.replace(/:\d+$/, ''))) return image;
  // As Docker reads an image's first part: a registry host has a dot or a port, or is localhost.
  // Anything else ("local", a word) names no registry to pull from.
  if (!/[.:]/.test(host) && host !== 'localhost') return image;
  // A path like /v1/ or /v2/ is the registry API's version, not a namespace.
  const namespace = /^v\d+$/.test(path) ? '' : path;
  return [host, namespace, image].filter(Boolean).join('/');
}
