// The fake workspace's people: who exists, what their emails and user groups are, and their DM channels.
// Any well-formed user id (U…/W…) exists unless listed in `missingUsers`; with `strictUsers`, only users
// named in the options (users, emails, user groups) do. Everyone else is `user_not_found`.

/** Profile fields a test may set for `users.info` / `users.lookupByEmail`. */
export interface FakeUserProfile {
  name?: string;
  real_name?: string;
  email?: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

/** The workspace and app identity the fake answers with. */
export interface FakeIdentity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface DirectoryOptions {
  /** Users for `users.info`, by id. */
  users?: Record<string, FakeUserProfile>;
  /** email → user id, for `users.lookupByEmail`. */
  emails?: Record<string, string>;
  /** user group id (`S…`) → member ids, for `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  /** Ids that do not exist (`user_not_found` from users.info and conversations.open). */
  missingUsers?: string[];
  /** Only users named in `users`, `emails` or `usergroups` exist. */
  strictUsers?: boolean;
}

type Json = Record<string, unknown>;

export class FakeDirectory {
  constructor(
    private readonly identity: FakeIdentity,
    private readonly options: DirectoryOptions,
  ) {}

  /** Every user id the options name (and the bot): the people the bot may legitimately mention. */
  userIds(): Set<string> {
    const { users = {}, emails = {}, usergroups = {} } = this.options;
    return new Set([
      this.identity.botUserId,
      ...Object.keys(users),
      ...Object.values(emails),
      ...Object.values(usergroups).flat(),
    ]);
  }

  /** Every user group id the workspace knows. */
  groupIds(): Set<string> {
    return new Set(Object.keys(this.options.usergroups ?? {}));
  }

  hasUser(id: string): boolean {
    if (this.options.missingUsers?.includes(id)) return false;
    return this.options.strictUsers ? this.userIds().has(id) : /^[UW][A-Z0-9]{2,}$/.test(id);
  }

  /** The stable DM channel (`D…`) between the bot and `user`. */
  dmChannel(user: string): string {
    return `D${user.slice(1)}`;
  }

  /** The user a DM channel belongs to, if it is one `dmChannel` hands out. */
  dmUser(channel: string): string | undefined {
    if (!channel.startsWith('D')) return undefined;
    return [`U${channel.slice(1)}`, `W${channel.slice(1)}`].find((id) => this.hasUser(id));
  }

  userObject(id: string): Json {
    const profile = this.options.users?.[id] ?? {};
    const email =
      profile.email ?? Object.entries(this.options.emails ?? {}).find(([, user]) => user === id)?.[0];
    const name = profile.name ?? id.toLowerCase();
    return {
      id,
      team_id: this.identity.teamId,
      name,
      real_name: profile.real_name ?? name,
      deleted: profile.deleted ?? false,
      is_bot: profile.is_bot ?? id === this.identity.botUserId,
      tz: profile.tz ?? 'Europe/London',
      profile: { real_name: profile.real_name ?? name, display_name: name, ...(email ? { email } : {}) },
    };
  }

  /** Answers the directory methods; `undefined` for methods it does not own. */
  handle(method: string, body: Json): Json | undefined {
    const id = this.identity;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${id.teamDomain}.slack.com/`,
          team: id.teamDomain,
          user: 'deploybot',
          team_id: id.teamId,
          user_id: id.botUserId,
          bot_id: id.botId,
          app_id: id.appId,
          is_enterprise_install: false,
        };
      case 'users.info': {
        const user = String(body.user ?? '');
        return this.hasUser(user) ? { ok: true, user: this.userObject(user) } : fail('user_not_found');
      }
      case 'users.lookupByEmail': {
        const email = String(body.email ?? '').toLowerCase();
        const user = Object.entries(this.options.emails ?? {}).find(([e]) => e.toLowerCase() === email)?.[1];
        return user ? { ok: true, user: this.userObject(user) } : fail('users_not_found');
      }
      case 'usergroups.users.list': {
        const members = this.options.usergroups?.[String(body.usergroup ?? '')];
        return members ? { ok: true, users: [...members] } : fail('no_such_subteam');
      }
      case 'conversations.open': {
        const users = String(body.users ?? '')
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean);
        if (users.length === 0) return fail('users_list_not_supplied');
        if (users.length > 8) return fail('too_many_users');
        if (users.some((u) => !this.hasUser(u))) return fail('user_not_found');
        if (users.some((u) => this.options.users?.[u]?.deleted)) return fail('user_disabled');
        if (users.length > 1) return { ok: true, channel: { id: `G${users.join('').replace(/\W/g, '')}` } };
        const [user = ''] = users;
        return { ok: true, channel: { id: this.dmChannel(user), is_im: true, user } };
      }
      default:
        return undefined;
    }
  }
}

export function fail(error: string, messages?: string[]): Json {
  return { ok: false, error, ...(messages ? { response_metadata: { messages } } : {}) };
}
