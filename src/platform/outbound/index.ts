// The one way out to the network: every import, command input and webhook goes through here.
export {
  type AllowList,
  isAllowed,
  isInternalAddress,
  parseAllowList,
  parseHostAsIp,
} from './address-policy.ts';
export {
  type Download,
  download,
  type OutboundOptions,
  type OutboundResponse,
  request,
} from './client.ts';
export { isRetryableStatus, OutboundError, type OutboundErrorStatus } from './outbound-error.ts';
export { checkUrl } from './url-check.ts';
