/** Agencies of the three-level network (district, street/township, committee; CN 五(一), FT 三(三)1). */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { AGENCY_TYPES } from '../policies/schema';
import { bilingualSchema } from './common';
import { AGENCY_LEVELS, type AgencyLevel } from '../contracts/enums';
import { stampOnWrite } from './cache-stamps';

export { AGENCY_LEVELS, type AgencyLevel };

const contactSchema = new Schema(
  { role: { type: String, required: true }, name: String, email: String, phone: String },
  { _id: false },
);

const agencySchema = new Schema(
  {
    /** Stable code, e.g. "cn.police.huayang"; users and tasks refer to agencies by it. */
    code: { type: String, required: true, unique: true },
    name: { type: bilingualSchema, required: true },
    type: { type: String, enum: AGENCY_TYPES, required: true },
    level: { type: String, enum: AGENCY_LEVELS, required: true },
    jurisdiction: {
      districtCode: { type: String, required: true },
      streetCode: String,
      committeeCode: String,
    },
    parentCode: String,
    contacts: { type: [contactSchema], default: [] },
    supervisor: { name: String, email: String, phone: String },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

// Task routing: the agency of a type serving a district street (jurisdiction.streetCode absent = district level).
agencySchema.index({ type: 1, 'jurisdiction.districtCode': 1, 'jurisdiction.streetCode': 1 });

// Every process caches the directory (models/agency-directory.ts): every write through this model stamps it.
stampOnWrite(agencySchema, 'agencies');

export type AgencyRecord = InferSchemaType<typeof agencySchema> & { _id: Types.ObjectId };
export const AgencyModel = model('Agency', agencySchema);
