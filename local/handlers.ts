import type { Context } from 'aws-lambda';
import { handler as dispatch } from '../functions/dispatch/handler.js';
import type { GroupName } from '../functions/groups.js';
import { handler as jobs } from '../functions/jobs/handler.js';
import { handler as notify } from '../functions/notify/handler.js';
import { handler as publicRoutes } from '../functions/public/handler.js';
import { handler as registry } from '../functions/registry/handler.js';
import { handler as relay } from '../functions/relay/handler.js';
import { handler as visits } from '../functions/visits/handler.js';
import { handler as verify } from '../functions/verify/handler.js';
import { handler as imports } from '../functions/imports/handler.js';
import { handler as credit } from '../functions/credit/handler.js';
import { handler as ledger } from '../functions/ledger/handler.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each group's handler has its own event type
type AnyHandler = (event: any, context: Context) => Promise<unknown>;

/** The real Lambda handlers, by group: the same modules CDK bundles. */
export const localHandlers: Record<GroupName, AnyHandler> = {
  public: publicRoutes,
  registry,
  verify,
  imports,
  visits,
  jobs,
  relay,
  dispatch,
  notify,
  credit,
  ledger,
};
