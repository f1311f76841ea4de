/** Who a card is for: the call's organizer (1:1 chat) or the admins' channel. */
export type Audience = 'organizer' | 'admins';
