import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

/** A tiny history router: the path is the state; links push, the back button pops. */
export interface Route {
  path: string;
  hash: string;
  query: URLSearchParams;
  navigate(to: string, replace?: boolean): void;
}

const RouteContext = createContext<Route | null>(null);

export function RouterProvider({ children }: { children: ComponentChildren }) {
  const read = () => ({ path: location.pathname, hash: location.hash.slice(1), search: location.search });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const onPop = () => setWhere(read());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string, replace = false) => {
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setWhere(read());
    scrollTo(0, 0);
  };
  const route: Route = { path: where.path, hash: where.hash, query: new URLSearchParams(where.search), navigate };
  return <RouteContext.Provider value={route}>{children}</RouteContext.Provider>;
}

export function useRoute(): Route {
  const r = useContext(RouteContext);
  if (!r) throw new Error('useRoute outside RouterProvider');
  return r;
}

/** `pattern` like "/jobs/:id"; returns the named parts, or null when the path does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.replace(/\/$/, '').split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const v = b[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return null;
  }
  return params;
}

export function Link({ href, children, ...rest }: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { navigate, path } = useRoute();
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} aria-current={path === href ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
