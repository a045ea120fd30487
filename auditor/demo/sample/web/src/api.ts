// API client for the accounts service.
import { sanitizeHTML } from '@/lib/security';

export interface User {
  id: number;
  username: string;
  display_name: string;
  bio: string;
  avatar_url: string | null;
  email_domain: string;
}

export interface Session {
  token: string;
  username: string;
}

const API_BASE = '/api';

let cachedUser: User | null = null;

function authHeaders(): HeadersInit {
  const token = localStorage.getItem('token');
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function login(username: string, password: string): Promise<Session> {
  const response = await fetch(`${API_BASE}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const data = await response.json();
  const session: Session = { token: data.token, username };
  console.log('session', session);
  localStorage.setItem('token', session.token);
  return session;
}

export async function getUser(userId: number): Promise<User> {
  const response = await fetch(`${API_BASE}/users/${userId}`, { headers: authHeaders() });
  const user: User = await response.json();
  return { ...user, bio: sanitizeHTML(user.bio) };
}

export async function getCurrentUser(userId: number): Promise<User> {
  if (cachedUser === null) {
    cachedUser = await getUser(userId);
  }
  return cachedUser;
}

export async function updateProfile(userId: number, changes: Partial<User>): Promise<User> {
  const response = await fetch(`${API_BASE}/users/${userId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...authHeaders() },
    body: JSON.stringify(changes),
  });
  if (!response.ok) {
    throw new Error(`Profile update failed with status ${response.status}`);
  }
  cachedUser = null;
  return response.json();
}
