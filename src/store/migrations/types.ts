/**
 * A numbered schema change, written once per dialect. Migrations are append-only: a released
 * one is never edited (databases in the field already ran it); changes go into a new version.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}
