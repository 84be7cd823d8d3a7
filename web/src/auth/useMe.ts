import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { User } from '../api/types';

/** useMe is the signed-in user (GET /api/v1/users/me). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<User>('/api/v1/users/me'), staleTime: 60_000 });
}
