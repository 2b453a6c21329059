export { startServer, type RunningServer, type ServeOptions } from './server';
export { serveMain, SERVE_HOST_ENV } from './main';
export { Predictor } from './predictor';
export { parseContentType, parseInvocation, type InvocationContentType } from './invocation';
export { ServeError, errorResponse, type ErrorBody, type ServeErrorCode } from './errors';
