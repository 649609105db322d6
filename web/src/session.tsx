/**
 * Who is signed in. The session itself is the HTTP-only cookie the API sets at login: the app keeps only the user
 * it was told about, asks /auth/me on start, and drops back to sign-in whenever the API answers 401.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from './api/client';
import type { User } from '../../contracts/auth';
import type { Role } from '../../contracts/roles';

/** Where each role starts after sign-in. */
export function homeFor(role: Role): string {
  switch (role) {
    case 'mandated_reporter':
      return '/report';
    case 'agency_staff':
    case 'agency_supervisor':
    case 'court_staff':
    case 'procuratorate_staff':
      return '/inbox';
    case 'street_coordinator':
    case 'district_coordinator':
      return '/dashboard';
    case 'administrator':
      return '/admin';
  }
}

type SessionState = { status: 'checking' } | { status: 'signed_out' } | { status: 'signed_in'; user: User };

interface Session {
  state: SessionState;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  useEffect(() => {
    let cancelled = false;
    api
      .me()
      .then(({ user }) => !cancelled && setState({ status: 'signed_in', user }))
      .catch(() => !cancelled && setState({ status: 'signed_out' }));
    setUnauthorizedHandler(() => setState({ status: 'signed_out' }));
    return () => {
      cancelled = true;
      setUnauthorizedHandler(undefined);
    };
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const { user } = await api.login(email, password);
    setState({ status: 'signed_in', user });
    return user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setState({ status: 'signed_out' });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for pages rendered behind the sign-in guard. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed_in') throw new Error('useUser on a page outside the sign-in guard');
  return state.user;
}
