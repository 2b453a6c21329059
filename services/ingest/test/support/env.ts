export { setProcessEnv as setEnv } from '@digits/local-cloud';
