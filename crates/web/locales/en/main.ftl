# Guildhall web pages: English. Every message here has a French twin in ../fr/main.ftl.

## Layout
skip-link = Skip to main content
nav-main = Main
nav-home = Home
nav-communities = Communities
nav-admin = Administration
nav-account = Your account
sign-in = Sign in
sign-out = Sign out
sign-up = Create an account
signed-in-as = Signed in as { $name }
footer-text = Guildhall: communities of practice for the public service, federated with ActivityPub.
go-home = Go to the home page
pages = Pages
page-previous = Previous page
page-next = Next page
save = Save
cancel = Cancel
edit = Edit
delete = Delete
never = Never
no-expiry = No expiry

## Notices after a change
notice-joined = You joined the community.
notice-requested = Your request to join was sent to the moderators.
notice-left = You left the community.
notice-created = Your community was created. You are its moderator.
notice-posted = Your discussion was posted.
notice-replied = Your reply was posted.
notice-edited = Your changes were saved.
notice-deleted = The post was deleted.
notice-saved = Your changes were saved.
notice-pinned = The discussion was pinned.
notice-unpinned = The discussion was unpinned.
notice-locked = The discussion was locked.
notice-unlocked = The discussion was unlocked.
notice-voted = Your vote was recorded.
notice-accepted = The request was accepted.
notice-rejected = The request was rejected.
notice-banned = The person was banned.
notice-unbanned = The ban was lifted.
notice-moderator-added = The member is now a moderator.
notice-moderator-removed = The member is no longer a moderator.
notice-registered = Your account was created. Welcome to Guildhall.
notice-pending = Your account was created. An administrator must approve it before you can sign in.
notice-password = Your password was changed. Sign in again with the new one.
notice-approved = The account was approved.
notice-invite = A new invite code was created.
notice-found = Here is the community. Join it to take part.

## Errors
error-summary-title = There is a problem
error-title-prefix = Error:
error-prefix = Error:
error-empty = Enter a value
error-too-long = Enter { $max } characters or fewer
error-length = Enter between { $min } and { $max } characters
error-email = Enter an email address in the correct format, like name@department.gc.ca
error-reserved = This name is reserved. Choose another
error-name-chars = Use only lowercase letters a to z, digits, hyphens (-) and underscores (_)
error-name-dash = The name must not start or end with a hyphen
error-single-line = Enter a single line of text
error-current-password = This is not your current password
error-host = Check this entry: { $value }
error-tags = Enter up to 20 tags of letters, digits, hyphens or underscores, separated by commas
error-taken = This name or email address is already in use. Choose another
error-invalid = Check this entry: { $detail }
error-days = Enter a whole number of days, or leave it empty
error-number = Enter a whole number
error-no-such-person = There is no one with this username
error-inactive = This account cannot do that.
error-401-title = You need to sign in
error-401-message = Sign in to continue.
error-403-title = You cannot do that
error-404-title = Page not found
error-404-message = If you typed the web address, check it is correct. The page may also be private to members of a community.
error-500-title = Sorry, there is a problem with the service
error-500-message = Try again later.
error-storage-title = The server's storage is full
error-storage-message = Nothing was saved. The administrator has been told in the server log; try again later.
error-unavailable-title = The service is briefly unavailable
error-unavailable-message = The server cannot reach its database. Nothing was saved; try again in a few seconds.
csrf-title = Your form has expired
csrf-message = The form was out of date or did not come from this site. Go back, reload the page and try again.

## Refusals (domain policy codes)
denied-sign-in-required = You need to sign in first.
denied-members-only = Only members of this community can do this.
denied-banned = You are banned from this community.
denied-already-member = You are already a member of this community.
denied-already-pending = Your request to join is already waiting for a moderator.
denied-charter-not-accepted = Accept the community charter to join
denied-not-member = You are not a member of this community.
denied-last-moderator = You are the last moderator. Appoint another moderator before you leave or step down.
denied-locked = This discussion is locked: only moderators can reply.
denied-deleted = This post was deleted.
denied-moderators-only = Only moderators of this community can do this.
denied-author-only = Only the author can do this.
denied-admins-only = Only administrators of this instance can do this.
denied-instance-not-allowed = This community admits members from certain instances only.

## Signing in and up
label-username = Username
label-password = Password
label-email = Email address
label-display-name = Display name
label-invite-code = Invite code
label-reason = Reason
login-no-account = No account yet?
login-error-username = Enter your username
login-error-password = Enter your password
login-error-wrong = Enter a correct username and password
login-error-pending = Your account is waiting for an administrator's approval
login-error-suspended = Your account is suspended
login-error-active = This account cannot sign in
login-error-throttled = Too many wrong passwords for this account or from this network. Try again in { $minutes } min, or from a device you signed in with before.
hint-name = 3 to 30 lowercase letters, digits, hyphens or underscores. It is part of your address and cannot be changed.
hint-display-name = The name people see. You can change it later.
hint-password = At least 8 characters.
hint-reason = Tell the administrators why you would like to join.
signup-rules = Who can register
signup-email-domains = Only email addresses at these domains are accepted: { $domains }
signup-closed = Registration is closed. Ask an administrator for an account.
signup-submit = Create account
registration-mode-open = Anyone can create an account.
registration-mode-approval = New accounts wait for an administrator's approval.
registration-mode-invite = You need an invite code to create an account.
registration-mode-closed = Only administrators create accounts.
registration-refused-closed = Registration is closed on this instance
registration-refused-invite = Enter a valid invite code
registration-refused-domain = Use an email address at one of these domains: { $domains }

## Home and directory
home-title = Your communities and activity
home-my-communities = Your communities
home-no-communities = You have not joined any community yet.
home-find-communities = Find communities to join
home-latest = Latest discussions
home-no-latest = There are no discussions in your communities yet.
home-no-communities-yet = There are no communities yet.
home-all-communities = See all communities
latest-in = In { $community }
welcome-title = Communities of practice for the public service
welcome-text = Join peer networks around a role or a focus area, on this instance or any other that federates with it.
directory-search = Search communities
directory-topic = Topic
directory-any-topic = Any topic
directory-search-button = Search
directory-empty = No communities match.
remote-community = on another server
you-are-member = You are a member
label-topics = Topics
member-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
follow-title = Follow a community on another server
follow-submit = Find community
follow-sign-in = Sign in to follow communities on other servers
follow-error-empty = Enter the community's address, like @name@example.gc.ca, or its web address
follow-error-format = Enter an address like @name@example.gc.ca, or a web address starting with https://
follow-error-not-found = No community was found at this address
follow-error-unreachable = The other server could not be reached or did not answer correctly. Try again later
follow-error-remote = The other server could not be used: { $detail }. Check the address, or try again later
label-follow = Community address
hint-follow = For example @data-stewards@example.gc.ca or https://example.gc.ca/c/data-stewards

## Communities
community-create = Create a community
community-nav = Community
community-discussions = Discussions
community-members = Members
community-requests = Join requests
community-bans = Bans
community-settings = Settings
community-about = About
community-charter = Charter
community-welcome = Welcome
community-no-description = No description yet.
community-since = Created on { $date }
community-join = Join this community
community-ask-to-join = Ask to join
community-sign-in-to-join = Sign in to join
community-pending = Your request to join is waiting for a moderator.
community-withdraw = Withdraw request
community-banned = You are banned from this community.
community-you-moderate = You moderate this community.
community-you-are-member = You are a member of this community.
community-leave = Leave community
community-members-only = Only members can read this community's discussions.
community-no-discussions = No discussions yet. Start the first one.
visibility-public = Public
visibility-approval = Approval needed
visibility-private = Private
visibility-public-hint = Anyone can read; anyone signed in can join at once.
visibility-approval-hint = Anyone can read; a moderator approves each new member.
visibility-private-hint = Only members can read; a moderator approves each new member.
role-anonymous = Visitor
role-non_member = Not a member
role-pending = Request waiting
role-member = Member
role-moderator = Moderator
role-banned = Banned
join-title = Join { $community }
join-no-charter = This community has no charter.
join-charter-legend = The charter
join-accept-charter = I have read the charter and agree to follow it
join-approval-explained = A moderator will look at your request.
label-join-message = Message to the moderators (optional)
hint-join-message = Say who you are and why you would like to join.
hint-join-question = The moderators ask this question of everyone who asks to join.
back-to-community = Back to the community
label-community-name = Community name
label-title = Title
label-description = Description
label-charter = Charter
label-welcome = Welcome message for newcomers
label-tags = Topics
label-visibility = Who can read and join
label-join-question = Question for people asking to join (optional)
label-member-domains = Admit members from these instances only (optional)
hint-markdown = You can use Markdown.
hint-charter = The rules members accept when they join. You can use Markdown.
hint-welcome = Shown to new members. You can use Markdown.
hint-tags = Separate topics with commas, like accessibility, design
hint-join-question-setting = For communities that need approval, for example "Which team do you work in?"
hint-member-domains = One per line, like gc.ca (subdomains included). Leave empty to admit anyone.

## Discussions
discussion-start = Start a discussion
discussion-post = Post discussion
label-body = Message
badge-pinned = Pinned
badge-locked = Locked
badge-members-only = Members only
by = By
by-author = By { $name }
edited = edited
edited-at = edited { $date }
reply-count = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
}
score = { $score ->
    [one] { $score } point
   *[other] { $score } points
}
sort-label = Sort by:
sort-active = latest activity
sort-new = newest
post-deleted = [deleted]
post-deleted-text = This post was deleted.
post-edit-title = Edit your post
vote-up = Upvote
vote-down = Downvote
vote-on-discussion = the discussion
vote-on-event = the event
reply = Reply
reply-by = Reply by { $name }
reply-to = Reply to { $name }
reply-to-discussion = Reply to the discussion
reply-post = Post reply
reply-cancel-nested = Reply to the discussion instead
reply-sign-in = Sign in to reply
label-reply = Your reply
delete-title = Delete this post?
delete-warning = Replies to it stay in the thread. This cannot be undone.
delete-confirm = Yes, delete it
pin = Pin
unpin = Unpin
lock = Lock
unlock = Unlock

## Moderation
members-caption = Members of { $community }
members-empty = No members yet.
label-name = Name
label-department = Department or organisation
label-role = Role
label-joined = Joined
label-actions = Actions
moderator-add = Make moderator
moderator-remove = Remove as moderator
ban = Ban
requests-empty = No one is waiting to join.
request-accept = Accept
request-reject = Reject
bans-empty = No one is banned.
community-reports = Reports
reports-intro = Reports that people and servers elsewhere sent about this community's discussions, replies or members. Only moderators see them.
reports-empty = No reports.
label-received = Received
label-reporter = Reported by
label-reported = About
label-comment = Comment
label-until = Until
ban-permanent = Permanent
ban-lift = Lift ban
ban-title = Ban someone
label-ban-username = Username
hint-ban-username = name for people on this instance, name@domain for people on other servers
hint-ban-reason = Shared with the moderators and sent with the ban.
label-ban-days = Length of the ban in days (optional)
hint-ban-days = From 1 to 3650. Leave empty for a permanent ban.

## Profiles and account
profile-since = Member since { $date }
profile-edit = Edit your profile
label-skills = Roles and skills
label-bio = About you
hint-department = For example Canada Revenue Agency
label-language = Language of the pages
language-browser = Use my browser's language
label-time-zone = Your time zone
hint-time-zone = Event times are also shown in this zone. Its IANA name, for example America/Toronto or Europe/Paris; leave empty for none.
account-signed-in-as = Signed in as { $name }
account-profile = Profile
account-password = Change your password
account-password-hint = You will be signed out everywhere and sign in again with the new password.
label-current-password = Current password
label-new-password = New password
account-password-submit = Change password

## Administration
admin-nav = Administration
admin-registration = Registration
admin-federation = Federation
admin-instances = Delivery health
label-registration-mode = Who can create an account
label-email-domains = Email domains allowed to register (optional)
hint-email-domains = One per line, like gc.ca or *.gc.ca. Leave empty to accept any.
label-community-creation = Who can create communities
community-creation-members = Any member
community-creation-admins = Administrators only
admin-pending = Accounts waiting for approval
admin-pending-empty = No accounts are waiting.
account-approve = Approve
account-reject = Reject
admin-invites = Invite codes
label-max-uses = Number of uses
hint-max-uses = From 1 to 1000.
label-invite-days = Valid for (days, optional)
hint-invite-days = From 1 to 365. Leave empty for no expiry.
invite-create = Create invite code
label-code = Code
label-uses = Uses
label-federation-mode = Which servers this instance federates with
federation-mode-open = All servers
federation-mode-blocklist = All except blocked servers
federation-mode-allowlist = Only allowed servers
federation-mode-open-hint = Any server on the fediverse can follow and reply.
federation-mode-blocklist-hint = The servers listed below are refused.
federation-mode-allowlist-hint = Only the servers listed below are accepted, for example a public-service network.
label-federation-domains = Servers for the blocklist or allowlist
hint-federation-domains = One per line, like dept.gc.ca or host:port. Subdomains are included.
label-limited-domains = Limited servers (optional)
hint-limited-domains = Still federated with, but their communities and authors are left out of public lists. One per line.
instances-intro = Deliveries to each server this instance sends to. Failed deliveries are retried for 3 days.
instances-empty = Nothing has been sent to other servers yet.
outbox-failures = Changes that could not be sent
outbox-failures-intro = Changes made here that could not be turned into messages for other servers. A passing fault is retried at the next round; anything else is kept here with its reason.
outbox-failures-empty = Every change was turned into messages for other servers.
outbox-given-up = Given up
outbox-retrying = Retrying
label-change = Change
label-made = Made
label-attempts = Attempts
label-instance = Server
label-state = State
label-pending = Waiting
label-delivered = Delivered
label-failed = Given up
label-refused = Refused by them
label-failures = Failed attempts
label-last-success = Last success
instance-ok = Working
instance-failing = Failing
instance-unreachable = Unreachable
instance-failing-since = since { $date }
instance-gone-inboxes = { $count ->
    [one] { $count } inbox gone (410)
   *[other] { $count } inboxes gone (410)
}
instance-next-retry = next try { $date }
label-incoming-ignored = Ignored from them
label-incoming-refused = Refused from them
instances-by-type = By activity type
instances-by-type-intro = What was sent to each server and what it answered, and what it sent here that this instance ignored (answered 202 but not acted on, as documented) or refused (answered 4xx), per activity type.
instances-sent-by-type = Sent to them
instances-received-by-type = Received from them, ignored or refused
instances-gone-intro = These inboxes answered 410 Gone: nothing more is sent to them.
label-activity-type = Activity
label-retrying = Retrying
label-outcome = Outcome
label-count = Count
label-last-seen = Last seen
outcome-ignored = Ignored
outcome-refused = Refused

## Events
community-events = Events
events-title = Events
events-upcoming = Upcoming events
events-past = Past events
events-none = No upcoming events.
events-none-past = No past events.
events-feed = Subscribe to this community's calendar (.ics)
event-create = Create an event
event-edit = Edit the event
event-cancel = Cancel the event
event-online = Online
event-going-count = { $count ->
    [one] 1 person going
   *[other] { $count } people going
}
event-waitlist-count = { $count ->
    [one] 1 on the waitlist
   *[other] { $count } on the waitlist
}
event-capacity = { $count ->
    [one] 1 place
   *[other] { $count } places
}
event-remaining = { $count ->
    [0] no places left
    [one] 1 place left
   *[other] { $count } places left
}
event-no-limit = No limit on places
event-status-confirmed = Confirmed
event-status-tentative = Tentative
event-status-cancelled = Cancelled
event-organised-by = Organised by
event-cancelled-notice = This event is cancelled.
event-when = When
event-zone = time zone { $zone }
event-your-zone = your time zone, { $zone }
event-where = Where
event-where-unknown = Not given
event-places = Places
event-add-to-calendar = Add to calendar (.ics)
event-rsvp = Will you attend?
event-external = Registration happens elsewhere:
event-sign-in = Sign in to say whether you will attend
event-you-none = You have not answered yet.
event-you-going = You are going.
event-you-waitlisted = You are on the waitlist. You will get a place if one frees up.
event-you-pending = Your request to attend is waiting for an organiser.
event-you-rejected = An organiser declined your request to attend.
event-rsvp-closed = This event no longer takes answers.
event-going = I am going
event-ask-to-go = Ask to attend
event-join-waitlist = Join the waitlist
event-not-going = I am not going
event-attendees = Attendees
event-no-attendees = Nobody has answered yet.
event-replies = Replies from the fediverse
attendee-going = Going
attendee-waitlisted = On the waitlist
attendee-pending = Waiting for an organiser
attendee-rejected = Declined
label-since = Since
label-starts-at = Starts
label-ends-at = Ends
hint-event-time = Date and time in the event's time zone, for example 2026-12-01T18:30.
label-timezone = Time zone
hint-timezone = Its IANA name, for example America/Toronto, America/Vancouver or Europe/Paris.
label-place-name = Place
label-place-address = Address
hint-optional = Optional.
label-online-url = Link to join online
hint-online-url = Optional. An address starting with https://.
label-capacity = Number of places
hint-capacity = Optional. Leave empty for no limit.
label-join-mode = How people take part
join-mode-free = Anyone in the community can say they are going
join-mode-approval = An organiser accepts each request
join-mode-external = People register elsewhere
label-external-url = Where to register
hint-external-url = Needed when people register elsewhere.
label-event-status = Status
error-timezone = Enter a time zone such as America/Toronto or Europe/Paris
error-datetime = Enter a date and time such as 2026-12-01T18:30
error-time-skipped = This time does not exist in that time zone (the clocks change)
error-ends-before-start = The end must be after the start
error-too-long-event = An event can last at most a year
error-year-range = The start must be between the years 1970 and 2200
error-capacity = Enter a whole number of places from 0 to 1,000,000, or leave it empty
error-url = Enter an address starting with http:// or https://
error-external-required = Enter where people register
error-required = Enter a value
notice-event-created = Your event was created.
notice-event-cancelled = The event was cancelled.
notice-event-deleted = The event was deleted.
notice-rsvp-going = You are going.
notice-rsvp-waitlisted = The event is full: you are on the waitlist.
notice-rsvp-pending = Your request to attend was sent to the organisers.
notice-rsvp-removed = You are no longer going.
home-my-events = My upcoming events
home-no-events = No upcoming events in your communities.
account-feed = My events calendar
account-feed-hint = A private address for a calendar app (Outlook, Google Calendar) with the events of every community you are in. Making a new address stops the old one from working.
account-feed-url = Your private calendar address
account-feed-once = Copy it now: it is shown only once.
account-feed-open = Download the calendar
account-feed-new = Make a new private address
events-all = All events, past and upcoming

## Polls
denied-poll-closed = This poll is closed.
denied-event-cancelled = This event was cancelled.
denied-rsvp-closed = This event takes no answers here.
poll-title = Poll
poll-single = One choice
poll-multiple = Several choices allowed
poll-closed = Closed
poll-closes = Closes
poll-open = No closing date
poll-voters = { $count ->
    [one] 1 person voted
   *[other] { $count } people voted
}
poll-votes = { $count ->
    [one] 1 vote
   *[other] { $count } votes
}
poll-choose-one = Choose one option
poll-choose-many = Choose one or more options
poll-vote = Vote
poll-change-vote = Change my vote
poll-your-choice = Your choice
poll-results-hidden = Results are shown when the poll closes.
poll-add = Add a poll (optional)
poll-add-hint = Leave the options empty for a discussion without a poll.
label-poll-options = Options
hint-poll-options = One per line, 2 to 20.
label-poll-kind = Choices
label-poll-closes-at = Closes (optional)
hint-poll-closes-at = Date and time in UTC, for example 2026-12-01T18:30. Leave empty to keep it open.
label-poll-hide-results = Hide the results until the poll closes
error-poll-choose = Choose an option
error-poll-options = Give 2 to 20 options, one per line, each up to 200 characters
error-poll-duplicate = Each option may be listed only once
error-poll-future = The closing time must be in the future
error-poll-within-year = The closing time must be within a year

## Wiki
community-wiki = Wiki
wiki-title = Wiki
wiki-pages = Wiki pages
wiki-new = New wiki page
wiki-empty = No pages yet.
wiki-revision = Revision { $number }
wiki-of = Wiki of { $community }
wiki-edit = Edit this page
wiki-history = History
wiki-history-of = History of { $title }
wiki-lock = Lock the page
wiki-unlock = Unlock the page
wiki-editing = Editing { $title }
wiki-preview = Preview
wiki-save = Save the page
wiki-changes = Changes
wiki-restore = Restore
wiki-diff-title = Changes to { $title }
wiki-added = Added:
wiki-removed = Removed:
wiki-conflict = Someone else saved this page while you were editing it. Your text is kept below: compare it with the page's history, then save again.
wiki-title-taken = A page with this title already exists
label-page-text = Text
hint-wiki-body = You can use Markdown. Link to another page of this wiki with [[Page name]].
label-edit-summary = What changed
label-revision = Revision
label-author = Author
label-when = When
poll-percent = { $n }%

## Guilds
nav-guilds = Guilds
guilds-title = Guilds
guilds-intro = A guild brings together communities around a role or a field of work, on this server and on others. It shows their public discussions and events in one place.
guilds-empty = No guilds yet.
guild-create = Create a guild
guild-create-intro = You will be the guild's first steward. Communities join a guild when their moderators and the guild's stewards both agree.
guild-caption = Guild
guild-remote = On another server
guild-focus-role = Role
guild-focus-focus_area = Focus area
guild-focus-hint-role = People who hold the same role, like UX designers or data scientists.
guild-focus-hint-focus_area = A field of work, like digital identity or accessibility.
guild-community-count = { $count ->
    [one] { $count } community
   *[other] { $count } communities
}
guild-this-server = This server
guild-on-server = On { $server }
label-guild-name = Guild name
label-guild-focus = What brings the guild together
hint-guild-charter = What member communities agree to. You can use Markdown.
guild-error-focus = Choose whether the guild is about a role or a focus area
guild-error-address = Enter a name like data-stewards, or an address like data-stewards@example.gc.ca
guild-sections = Sections of the guild page
guild-about = About this guild
guild-stewards = Stewards
guild-members = Member communities
guild-no-members = No communities have joined yet.
guild-private-member = Private: name only
guild-feed = Latest discussions
guild-feed-empty = No public discussions yet.
guild-calendar = Upcoming events
guild-calendar-feed = Subscribe to the guild's calendar (.ics)
guild-contacts = Managers to contact
guild-contacts-empty = No managers to list.
guild-contacts-unknown = Not known yet
guild-pending = Requests and invitations
guild-pending-none = Nothing is waiting for an answer.
guild-state-requested = Asked to join
guild-state-invited = Invited
guild-state-active = Member
guild-accept = Accept
guild-decline = Decline
guild-withdraw = Withdraw
guild-remove = Remove
guild-leave = Leave
guild-invite-title = Invite a community
guild-invite-submit = Invite
label-community-address = Community name or address
hint-community-address = For example ux-design, or ux-design@example.gc.ca for a community on another server
guild-section = Guilds
guild-section-none = This community is not in any guild.
guild-join-title = Join a guild
guild-join-submit = Ask to join
label-guild-address = Guild name or address
hint-guild-address = For example data-stewards, or data-stewards@example.gc.ca for a guild on another server
guild-back-to = Back to { $title }
related-title = Communities like this one
related-kind-community = Community
related-kind-guild = Guild
related-shared-tags = Shared topics: { $tags }
guild-error-not-a-guild = That is not a guild. Enter the name or address of a guild
guild-error-guild-in-guild = A guild cannot join a guild: guilds are made of communities

## The network map and the published directory
nav-map = Map
notice-proposed = Thank you. An administrator will review your proposal.
map-title = Network map
map-intro = Communities of practice, guilds and the instances that host them, across departments and governments. The map shows this instance's own directory and what it has learned from other instances.
map-filter = Filter the map
map-filter-topic = Topic
map-filter-focus = Guild focus
map-filter-government = Country or government
map-filter-kind = Kind
map-filter-active = Only those active in the last 30 days
map-filter-submit = Apply filters
map-any = Any
map-focus-role = Role
map-focus-focus_area = Focus area
map-kind-instance = Instance
map-kind-community = Community
map-kind-guild = Guild
map-kind-external = Outside Guildhall
map-picture = Picture of the network
map-picture-hint = Large blue circles are instances; around each are its communities (green), guilds (purple) and communities outside Guildhall (orange). Grey lines link an entry to its instance; dashed purple lines link a community to a guild. The table below gives the same information.
map-empty = Nothing on the map matches yet.
map-legend-instance = Blue circles: instances (departments)
map-legend-community = Green circles: communities
map-legend-guild = Purple circles: guilds
map-legend-external = Orange circles: communities of practice outside Guildhall
map-legend-lines = Dashed purple lines: a community belongs to a guild
map-table = The network as a table
map-instances-count = Instances on the map: { $count }
map-col-instance = Instance
map-col-kind = Kind
map-col-name = Name
map-col-topics = Topics
map-col-members = Members
map-col-activity = Posts in 30 days
map-col-guilds = Guilds or members
map-downloads = Download the data
map-download-json = Map as JSON
map-download-nodes-csv = Nodes as CSV
map-download-edges-csv = Links as CSV
map-download-graphml = Map as GraphML
map-propose = Propose a community of practice
map-propose-intro = Know a community of practice that is not on Guildhall, such as a Slack or Teams group or a mailing list? Propose it. Once an administrator approves it, it is published with this instance's directory.
map-propose-sign-in = Sign in to propose a community of practice
map-propose-submit = Send the proposal
map-label-cop-name = Name
map-label-cop-url = Web address
map-hint-cop-url = An address starting with https:// or http://
map-label-cop-summary = What it is about
map-label-cop-topics = Topics
map-label-cop-contact = Contact
map-hint-cop-contact = Optional. A name or address people can write to.
map-label-government = Country or government
map-label-organisation = Department or organisation
map-label-listed = Network directory
map-listed-default = Default: listed unless private
map-listed-listed = Listed (name, description, topics and guilds only, for a private community)
map-listed-unlisted = Not listed
map-label-lifecycle = Stage
map-lifecycle-forming = Forming
map-lifecycle-active = Active
map-lifecycle-dormant = Dormant
map-lifecycle-archived = Archived
map-admin-title = Directory and map
map-label-directory-listed = Publish this instance's directory for network maps
map-directory-listed-yes = Yes, publish the listed communities
map-directory-listed-no = No, this instance is not listed anywhere
map-hint-organisation = Shown on network maps, for example Canadian Digital Service
map-hint-government = For example Government of Canada
map-label-seeds = Instances the map crawler starts from
map-hint-seeds = One host name per line, besides the instances this one already federates with
map-label-refresh = Refresh map entries older than (hours)
map-hint-refresh = Between 1 and 2160
map-admin-proposals = Proposed communities of practice
map-admin-proposals-empty = No proposals are waiting.
map-proposed-by = proposed by { $name }
nav-notifications = Notifications ({ $count })
notice-notifications-read = All your notifications are marked as read.
notifications-title = Notifications
notifications-unread = { $count ->
    [0] You have no unread notifications.
    [one] You have 1 unread notification.
   *[other] You have { $count } unread notifications.
}
notifications-mark-all = Mark all as read
notifications-empty = Nothing yet. When an event you attend changes, you will see it here.
notifications-unread-marker = Unread:
notification-event_updated = The event “{ $title }” was changed.
notification-event_cancelled = The event “{ $title }” was cancelled.
notification-event_deleted = The event “{ $title }” was deleted.
notification-other = Something changed: { $title }

# A post's content warning, attachments, hashtags and mentions (posts from other servers)
content-warning = Content warning
content-warning-sensitive = Sensitive content
attachments = Attachments
attachment-open-image = Open the image
attachment-no-description = No description.
attachment-kind-image = image
attachment-kind-video = video
attachment-kind-audio = audio
attachment-kind-document = file
attachment-kind-link = link
post-tags = Hashtags and mentions
extras-omitted = { $count ->
    [one] { $count } more attachment or tag was not kept.
   *[other] { $count } more attachments or tags were not kept.
}
