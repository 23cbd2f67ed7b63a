/**
 * Types of the generated shape table (`shapes.ts`, written by `scripts/gen-kms-model.mjs` from the
 * KMS Smithy model). Shape references are local shape names (`KeyIdType`, not
 * `com.amazonaws.kms#KeyIdType`) and always resolve within `SHAPES`.
 */

/** Smithy `length` / `range` bounds; either side may be absent. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

interface Common {
  /** Target carries `smithy.api#sensitive`: never echo the value (logs, validation messages). */
  readonly sensitive?: true;
}

export interface StringShape extends Common {
  readonly type: 'string';
  /** In Unicode code points. */
  readonly length?: Bounds;
  /** ECMAScript-compatible; not implicitly anchored (the KMS model's patterns carry ^…$). */
  readonly pattern?: string;
}
export interface EnumShape extends Common {
  readonly type: 'enum';
  /** Wire values in model order. */
  readonly values: readonly string[];
}
export interface BlobShape extends Common {
  readonly type: 'blob';
  /** In decoded bytes. */
  readonly length?: Bounds;
}
export interface NumberShape extends Common {
  readonly type: 'integer' | 'long';
  readonly range?: Bounds;
}
export interface BooleanShape extends Common {
  readonly type: 'boolean';
}
/** Epoch seconds on the wire (awsJson1_1 default). */
export interface TimestampShape extends Common {
  readonly type: 'timestamp';
}
export interface ListShape extends Common {
  readonly type: 'list';
  readonly member: string;
  /** Element count. */
  readonly length?: Bounds;
}
export interface MapShape extends Common {
  readonly type: 'map';
  readonly key: string;
  readonly value: string;
  /** Entry count. */
  readonly length?: Bounds;
}
export interface MemberDef {
  readonly target: string;
  readonly required?: true;
}
export interface StructureShape extends Common {
  readonly type: 'structure';
  /** In model order (object key order is insertion order for these non-numeric names). */
  readonly members: Readonly<Record<string, MemberDef>>;
}

export type ShapeDef =
  | StringShape
  | EnumShape
  | BlobShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | ListShape
  | MapShape
  | StructureShape;

export type ShapeKind = ShapeDef['type'];

export interface OperationDef {
  /** Input structure shape name, or null for no input. */
  readonly input: string | null;
  /** Output structure shape name, or null for `smithy.api#Unit` (empty `{}` response). */
  readonly output: string | null;
  /** Modelled error shape names (the `__type` values), sorted. */
  readonly errors: readonly string[];
}
