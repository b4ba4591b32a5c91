export { WebUi, type WebUiOptions } from './web-ui.ts';
export { storeNewToken } from './token.ts';
export { uiContentSecurityPolicy } from './static-files.ts';
export { mountWebUi, type MountOptions } from './mount.ts';
