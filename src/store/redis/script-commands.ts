/**
 * Every Lua script of the Redis store as an ioredis command, with its number of keys; the store
 * defines them all on its connection.
 * @module
 */
import {
  ADD_KEY,
  CHECK_EPOCH,
  COUNT_HIT,
  NEXT_SEQUENCE,
  NOTE_KEY_USE,
  OPEN_EPOCH,
  PREPARE_LIST,
  READ_KEYRING,
  SEED_ORG_CELLS,
  SET_ORG_CELL,
  SET_STATUS,
  UPDATE_KEYS,
} from "./scripts.js";
import {
  DECIDE_APPROVAL,
  DROP_IDLE_ENTRY,
  INDEX_MEMBER,
  INDEX_TOKEN,
  NOTE_ACTIVITY,
  OPEN_MINT,
  READ_TOKEN,
  READ_TOKEN_WITH_STATUS,
  READ_TOKENS,
  RECORD_USAGE,
  RESERVE_SUBJECT_SLOT,
  SAVE_MINTED,
  SAVE_TOKEN,
  SET_TOKEN_STATE,
  TRANSITION_TOKEN_STATE,
  UPDATE_TOKEN_DETAILS,
} from "./token-scripts.js";
import {
  APPEND_AUDIT,
  CLAIM_DELIVERIES,
  DELETE_WEBHOOK,
  FAN_OUT,
  FINISH_DELIVERY,
  REPLACE_WEBHOOK,
  REQUEUE_DELIVERY,
  SKIP_OUTBOX,
} from "./webhook-scripts.js";

/** Every script as an ioredis command: name → [number of keys, Lua]. */
export const SCRIPTS = {
  tmOpenEpoch: [1, OPEN_EPOCH],
  tmNextSequence: [1, NEXT_SEQUENCE],
  tmCheckEpoch: [1, CHECK_EPOCH],
  tmPrepareList: [1, PREPARE_LIST],
  tmSetStatus: [1, SET_STATUS],
  tmSaveToken: [1, SAVE_TOKEN],
  tmReadToken: [1, READ_TOKEN],
  tmReadTokenWithStatus: [2, READ_TOKEN_WITH_STATUS],
  // The number of keys comes first in each call.
  tmReadTokens: [undefined, READ_TOKENS],
  tmSaveMinted: [undefined, SAVE_MINTED],
  tmIndexToken: [1, INDEX_TOKEN],
  tmIndexMember: [1, INDEX_MEMBER],
  tmSetTokenState: [1, SET_TOKEN_STATE],
  tmRecordUsage: [1, RECORD_USAGE],
  tmNoteActivity: [1, NOTE_ACTIVITY],
  tmDropIdleEntry: [1, DROP_IDLE_ENTRY],
  tmAddKey: [3, ADD_KEY],
  tmUpdateKeys: [3, UPDATE_KEYS],
  tmReadKeyring: [3, READ_KEYRING],
  tmNoteKeyUse: [3, NOTE_KEY_USE],
  tmReserveSubjectSlot: [2, RESERVE_SUBJECT_SLOT],
  tmOpenMint: [6, OPEN_MINT],
  tmTransitionTokenState: [1, TRANSITION_TOKEN_STATE],
  tmDecideApproval: [1, DECIDE_APPROVAL],
  tmUpdateTokenDetails: [1, UPDATE_TOKEN_DETAILS],
  tmSetOrgCell: [2, SET_ORG_CELL],
  tmCountHit: [1, COUNT_HIT],
  tmSeedOrgCells: [2, SEED_ORG_CELLS],
  tmAppendAudit: [2, APPEND_AUDIT],
  tmFanOut: [5, FAN_OUT],
  tmSkipOutbox: [2, SKIP_OUTBOX],
  tmClaimDeliveries: [2, CLAIM_DELIVERIES],
  tmFinishDelivery: [3, FINISH_DELIVERY],
  tmRequeueDelivery: [2, REQUEUE_DELIVERY],
  tmDeleteWebhook: [4, DELETE_WEBHOOK],
  tmReplaceWebhook: [1, REPLACE_WEBHOOK],
} as const;

/** The name of one of {@link SCRIPTS}. */
export type ScriptName = keyof typeof SCRIPTS;
