import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { keptPlan, keptPlans, PLAN_URI_PREFIX } from './migration-plan-output.js';

/** The full Markdown of the plans migration_plan made in this session, as resources the client reads on demand. */
export function registerPlanResources(server: McpServer): void {
  server.registerResource(
    'migration-plan',
    new ResourceTemplate(`${PLAN_URI_PREFIX}{id}`, {
      list: async () => ({
        resources: keptPlans().map((plan) => ({ uri: plan.uri, name: plan.title, mimeType: 'text/markdown' })),
      }),
    }),
    {
      title: 'Migration plan (Markdown)',
      description:
        'The full plan migration_plan made: every section of the plan template and the lock timeline as a Mermaid gantt chart.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const id = String(variables.id ?? '');
      const plan = keptPlan(id);
      if (!plan) throw new Error(`No migration plan ${id} in this session: run migration_plan again.`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: plan.markdown }] };
    },
  );
}
