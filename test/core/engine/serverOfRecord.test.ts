import { describe, expect, it } from 'vitest';
import { serverOfRecord } from '../../../src/core/engine/serverOfRecord';
import { createNetwork } from '../../../src/core/network/network';

const network = createNetwork();

const configured = { baseUrl: 'https://ai.example.org/api', demo: false };
const demo = { baseUrl: 'http://127.0.0.1:4999/api', demo: true };

describe('serverOfRecord', () => {
  it('uses the WebSocket override for a configured server, and derives it when unset', () => {
    expect(serverOfRecord(configured, { webSocketUrl: 'wss://push.example.org/ws', token: null }, network).wsUrl).toBe('wss://push.example.org/ws');
    expect(serverOfRecord(configured, { webSocketUrl: null, token: null }, network).wsUrl).toBe('wss://ai.example.org/api/ws');
  });

  it('the demo server always serves its own socket: an override belongs to the configured server', () => {
    expect(serverOfRecord(demo, { webSocketUrl: 'wss://push.example.org/ws', token: null }, network).wsUrl).toBe('ws://127.0.0.1:4999/api/ws');
  });

  it("names the backend: 'demo' whatever its port, else the URL however written", () => {
    expect(serverOfRecord(demo, { webSocketUrl: null, token: null }, network).identity).toBe('demo');
    expect(serverOfRecord({ baseUrl: 'HTTPS://AI.example.org:443/api//', demo: false }, { webSocketUrl: null, token: null }, network).identity).toBe('https://ai.example.org/api');
  });

  it('is frozen, and a URL that cannot be used throws instead of half a value', () => {
    const record = serverOfRecord(configured, { webSocketUrl: null, token: 't' }, network);
    expect(Object.isFrozen(record)).toBe(true);
    expect(record.network).toBe(network);
    expect(() => serverOfRecord({ baseUrl: 'not a url', demo: false }, { webSocketUrl: null, token: null }, network)).toThrow();
  });
});
