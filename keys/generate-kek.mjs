#!/usr/bin/env node
// Prints a new key-encryption key for TOKENMINT_KEK: 32 random bytes, base64url.
import { randomBytes } from "node:crypto";

console.log(randomBytes(32).toString("base64url"));
