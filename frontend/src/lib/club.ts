/* The app's one connection: the edge serves this page and the WebSocket from the same host. */
import { ClubClient } from './protocol/client.ts'
import { browserTokenStore } from './protocol/tokens.ts'

export function wsUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`
}

export const club = new ClubClient({ url: wsUrl(), tokens: browserTokenStore() })
