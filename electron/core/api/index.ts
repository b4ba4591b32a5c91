export { ApiService, ApiSession, FIRST_RUN_KEY, catalogView, type ApiHost, type EventSink } from './service.ts';
export { ApiFailure, createDispatch, toApiError, type Dispatch, type Handlers } from './dispatch.ts';
