/**
 * `npm start`: the whole platform on this machine. PORT (default 3000),
 * IN_MEMORY=1 to keep nothing, DATA_DIR (default .data) otherwise,
 * OFFER_TIMEOUT_SECONDS to shorten offer deadlines, HOST to listen beyond
 * localhost (e.g. 0.0.0.0 so a phone on the LAN can open SMS links, with
 * PUBLIC_BASE_URL set to this machine's address). `npm start -- --scale N` (or
 * SCALE=N) sizes the demo city: companies, caregivers and elders times N.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'true';
// Node 20 is supported until the SDK's 2027 releases (docs/decisions/0006); one notice is enough.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { JavaMissingError } = await import('./dynamodb.js');
const { startLocalPlatform } = await import('./platform.js');

const inMemory = process.env.IN_MEMORY === '1' || process.env.IN_MEMORY === 'true';
const port = Number(process.env.PORT ?? 3000);

/** `--scale N`, `--scale=N` or SCALE=N; the command line wins. */
function seedScale(): number {
  let raw = process.env.SCALE;
  const args = process.argv.slice(2);
  args.forEach((arg, i) => {
    if (arg === '--scale') raw = args[i + 1];
    else if (arg.startsWith('--scale=')) raw = arg.slice('--scale='.length);
  });
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error(`--scale must be a positive number (e.g. 0.1, 1, 2), not "${raw}"`);
    process.exit(2);
  }
  return scale;
}
const scale = seedScale();

try {
  const local = await startLocalPlatform({
    port,
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(inMemory ? {} : { dataDir: process.env.DATA_DIR ?? '.data' }),
    ...(process.env.PUBLIC_BASE_URL ? { publicBaseUrl: process.env.PUBLIC_BASE_URL } : {}),
    ...(process.env.OFFER_TIMEOUT_SECONDS ? { offerTimeoutSeconds: Number(process.env.OFFER_TIMEOUT_SECONDS) } : {}),
    seedScale: scale,
  });
  console.log(`
一刻钟 Care Dispatch is running (${inMemory ? 'in memory' : `data in ${process.env.DATA_DIR ?? '.data'}`}; Wuhai demo city at scale ${scale})
  Start page       ${local.url}/
  Health           ${local.url}/health
  API description  ${local.url}/openapi.json
  SMS outbox       ${local.url}/dev/sms
  Platform clock   ${local.url}/dev/clock
  Sign in          curl -X POST ${local.url}/auth/dev-token -H 'content-type: application/json' -d '{"role":"center","orgId":"ctr-xinhua-hub"}'
  DynamoDB Local   ${local.dynamoEndpoint}
Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    local.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError) {
    console.error(`\n${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
