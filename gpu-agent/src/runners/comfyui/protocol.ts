/**
 * ComfyUI's HTTP and websocket messages, as sent by ComfyUI 0.3.64 (Comfy-Org/ComfyUI a125cd8:
 * server.py, execution.py, main.py, protocol.py). Schemas are loose on purpose (extra fields
 * allowed): ComfyUI adds fields between releases; we check only what we read.
 */
import { Type, type Static } from '@sinclair/typebox';

const Str = Type.String();
const NodeId = Type.String({ maxLength: 200 });

/** POST /prompt → 200 */
export const PromptAccepted = Type.Object({ prompt_id: Str, number: Type.Optional(Type.Number()), node_errors: Type.Optional(Type.Unknown()) });

/** POST /prompt → 400: error is an object ({type,message,details,extra_info}) in current releases, a string in old ones. */
export const PromptRejected = Type.Object({
  error: Type.Union([Type.Object({ type: Str, message: Str, details: Type.Optional(Str) }), Str]),
  node_errors: Type.Optional(
    Type.Union([
      Type.Record(Str, Type.Object({ class_type: Type.Optional(Str), errors: Type.Array(Type.Object({ message: Str, details: Type.Optional(Str) })) })),
      Type.Array(Type.Unknown()),
    ]),
  ),
});
export type PromptRejected = Static<typeof PromptRejected>;

export const FileRef = Type.Object({ filename: Type.String({ minLength: 1, maxLength: 500 }), subfolder: Type.String({ maxLength: 500 }), type: Str });
export type FileRef = Static<typeof FileRef>;

/** A node's UI output: SaveImage and SaveAnimatedWEBP/SaveVideo put files under `images`; some custom nodes use `gifs`/`videos`. */
export const NodeOutput = Type.Object({
  images: Type.Optional(Type.Array(FileRef)),
  gifs: Type.Optional(Type.Array(FileRef)),
  videos: Type.Optional(Type.Array(FileRef)),
  animated: Type.Optional(Type.Array(Type.Boolean())),
});

/** GET /history/{prompt_id} → {} while queued or running, then one entry. */
export const HistoryEntry = Type.Object({
  outputs: Type.Record(NodeId, NodeOutput),
  status: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Object({
        status_str: Type.Union([Type.Literal('success'), Type.Literal('error')]),
        completed: Type.Boolean(),
        messages: Type.Array(Type.Tuple([Str, Type.Record(Str, Type.Unknown())])),
      }),
    ]),
  ),
});
export type HistoryEntry = Static<typeof HistoryEntry>;
export const History = Type.Record(Str, HistoryEntry);

/** POST /upload/image → 200 */
/** GET /queue: `[number, prompt_id, prompt, extra_data, outputs_to_execute]` per item. */
const QueueItem = Type.Array(Type.Unknown(), { minItems: 2 });
export const QueueState = Type.Object({ queue_running: Type.Array(QueueItem), queue_pending: Type.Array(QueueItem) });
export const Uploaded = Type.Object({ name: Type.String({ minLength: 1 }), subfolder: Str, type: Str });

/** GET /system_stats → 200 */
export const SystemStats = Type.Object({
  system: Type.Object({ comfyui_version: Type.Optional(Str), os: Type.Optional(Str) }),
  devices: Type.Array(Type.Object({ name: Str, type: Str, vram_total: Type.Optional(Type.Number()), vram_free: Type.Optional(Type.Number()) })),
});

// ---- websocket JSON messages: {"type": ..., "data": {...}} ----

export const WsEnvelope = Type.Object({ type: Str, data: Type.Record(Str, Type.Unknown()) });

export const ExecutingData = Type.Object({ node: Type.Union([NodeId, Type.Null()]), prompt_id: Type.Optional(Str) });
export const ProgressData = Type.Object({
  value: Type.Number(),
  max: Type.Number(),
  prompt_id: Type.Optional(Type.Union([Str, Type.Null()])),
  node: Type.Optional(Type.Union([NodeId, Type.Null()])),
});
export const ExecutedData = Type.Object({ node: NodeId, prompt_id: Str, output: Type.Union([NodeOutput, Type.Null()]) });
export const PromptIdData = Type.Object({ prompt_id: Str });
export const ExecutionErrorData = Type.Object({
  prompt_id: Str,
  node_id: NodeId,
  node_type: Str,
  exception_message: Str,
  exception_type: Str,
});
export type ExecutionErrorData = Static<typeof ExecutionErrorData>;
export const ExecutionInterruptedData = Type.Object({ prompt_id: Str, node_id: NodeId, node_type: Str });

/** protocol.py BinaryEventTypes */
export const BinaryEvent = { PREVIEW_IMAGE: 1, UNENCODED_PREVIEW_IMAGE: 2, TEXT: 3, PREVIEW_IMAGE_WITH_METADATA: 4 } as const;

export interface PreviewFrame {
  contentType: 'image/jpeg' | 'image/png';
  bytes: Buffer;
  /** Only PREVIEW_IMAGE_WITH_METADATA frames say which prompt they belong to. */
  promptId?: string;
}

/**
 * Decode a binary ws frame. PREVIEW_IMAGE: u32 BE event, u32 BE image type (1 JPEG, 2 PNG), bytes.
 * PREVIEW_IMAGE_WITH_METADATA: u32 BE event, u32 BE json length, json {image_type, prompt_id, ...}, bytes.
 * Other events (TEXT progress) and malformed frames → null.
 */
export function parseBinaryFrame(frame: Buffer): PreviewFrame | null {
  if (frame.length < 8) return null;
  const event = frame.readUInt32BE(0);
  if (event === BinaryEvent.PREVIEW_IMAGE) {
    const kind = frame.readUInt32BE(4);
    if (kind !== 1 && kind !== 2) return null;
    const bytes = frame.subarray(8);
    return bytes.length ? { contentType: kind === 1 ? 'image/jpeg' : 'image/png', bytes } : null;
  }
  if (event === BinaryEvent.PREVIEW_IMAGE_WITH_METADATA) {
    const len = frame.readUInt32BE(4);
    if (len > 64 * 1024 || 8 + len >= frame.length) return null;
    let meta: unknown;
    try {
      meta = JSON.parse(frame.subarray(8, 8 + len).toString('utf8'));
    } catch {
      return null;
    }
    const m = (meta ?? {}) as { image_type?: unknown; prompt_id?: unknown };
    const contentType = m.image_type === 'image/png' ? 'image/png' : 'image/jpeg';
    return { contentType, bytes: frame.subarray(8 + len), ...(typeof m.prompt_id === 'string' ? { promptId: m.prompt_id } : {}) };
  }
  return null;
}
