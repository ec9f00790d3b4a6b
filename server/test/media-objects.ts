import WebSocket from 'ws';

/** Every object the media server holds (pipelines and their children), asked over its own protocol. */
export async function mediaServerObjects(url: string): Promise<string[]> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const invoke = (object: string, operation: string): Promise<unknown> => {
    const id = nextId++;
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id, method: 'invoke', params: { object, operation } }),
    );
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const reply = JSON.parse(data.toString()) as {
          id?: number;
          result?: { value?: unknown };
          error?: unknown;
        };
        if (reply.id !== id) return;
        ws.off('message', onMessage);
        if (reply.error) reject(new Error(JSON.stringify(reply.error)));
        else resolve(reply.result?.value);
      };
      ws.on('message', onMessage);
    });
  };
  try {
    const pipelines = (await invoke('manager_ServerManager', 'getPipelines')) as string[];
    const children = await Promise.all(
      pipelines.map(async (id) => (await invoke(id, 'getChildren')) as string[]),
    );
    return [...pipelines, ...children.flat()];
  } finally {
    ws.close();
  }
}
