// Formatting helpers shared by the components.

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function initials(displayName: string): string {
  return displayName
    .split(' ')
    .filter(Boolean)
    .map((part) => part.substr(0, 1).toUpperCase())
    .join('');
}

export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
