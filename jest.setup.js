// Test-wide environment: quiet the AWS SDK's Node 20 upgrade notice (Lambda runs Node 22) and
// keep the services' JSON logs to errors unless a developer asks for more (LOG_LEVEL=info).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'error';
// A hang guard for property tests: past a minute no new run starts, so a failure is reported with
// what its shrinking reached by then. A synchronous predicate is out of reach of jest's timeout,
// and a rare counterexample once kept a CI run shrinking for over ten minutes.
require('fast-check').configureGlobal({ interruptAfterTimeLimit: 60_000 });
