import { describe, expect, it } from 'vitest';
import { imageReference } from '../../../sandbox/declaration/image-ref.js';

describe('the image to pull: product.build.binary.image under its registry', () => {
  it.each([
    ['vendor/app:1', 'https://index.docker.io/v1/', 'vendor/app:1'],
    ['vendor/app:1', 'https://registry-1.docker.io', 'vendor/app:1'],
    ['vendor/app:1', undefined, 'vendor/app:1'],
    ['vendor/app:1', 'local', 'vendor/app:1'],
    ['vendor/app:1', '', 'vendor/app:1'],
    ['vendor/app:1', 'https://registry.example.org/v2/', 'registry.example.org/vendor/app:1'],
    ['app:1', 'registry.example.org:5000', 'registry.example.org:5000/app:1'],
    ['app:1', 'https://ghcr.io/acme', 'ghcr.io/acme/app:1'],
    ['app:1', 'http://localhost:5000', 'localhost:5000/app:1'],
    ['ghcr.io/acme/app:1', 'https://registry.example.org', 'ghcr.io/acme/app:1'],
    ['localhost:5000/app:1', 'https://registry.example.org', 'localhost:5000/app:1'],
  ])('%s under %s → %s', (image, registry, expected) => {
    expect(imageReference(image, registry)).toBe(expected);
  });
});
