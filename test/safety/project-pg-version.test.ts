import { describe, expect, it } from 'vitest';
import { loadProjectDatabase, projectPgVersion } from '../../src/safety/project-database.js';
import { tempProject } from '../helpers/temp-project.js';

describe('the PostgreSQL version a project names', () => {
  it('reads it from a pgautoupgrade image, as from a postgres one (lemmy: docker/docker-compose.yml)', async () => {
    const project = tempProject('dma-pgautoupgrade-');
    project.write('Cargo.toml', '[package]\nname = "server"\n');
    project.write(
      'docker/docker-compose.yml',
      'services:\n  postgres:\n    image: pgautoupgrade/pgautoupgrade:18-alpine\n  lemmy:\n    image: dessalines/lemmy:1.0\n',
    );
    expect(projectPgVersion(await loadProjectDatabase(project.root))).toEqual({
      version: 18,
      source: 'docker/docker-compose.yml: service postgres image pgautoupgrade/pgautoupgrade:18-alpine',
    });
  });
});
