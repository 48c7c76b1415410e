import { useEffect, useState } from 'preact/hooks';

/** Hash routes (`#/op/<id>`): they work under an API Gateway stage prefix and need no server fallback. */
export type Route = { page: 'operations' } | { page: 'new' } | { page: 'operation'; operationId: string } | { page: 'batch'; batchId: string };

export function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'op' && id) return { page: 'operation', operationId: decodeURIComponent(id) };
  if (page === 'batch' && id) return { page: 'batch', batchId: decodeURIComponent(id) };
  if (page === 'new') return { page: 'new' };
  return { page: 'operations' };
}

export const hrefOf = (route: Route): string =>
  route.page === 'operation'
    ? `#/op/${encodeURIComponent(route.operationId)}`
    : route.page === 'batch'
      ? `#/batch/${encodeURIComponent(route.batchId)}`
      : route.page === 'new'
        ? '#/new'
        : '#/';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
