import React from 'react';

import { getCurrentUser, updateProfile } from '@/api';
import { initials, truncate } from '@/lib/format';

export default class UserProfile extends React.Component {
  constructor(props) {
    super(props);
    this.state = { user: null, editing: false, bio: '' };
    this.handleSave = this.handleSave.bind(this);
  }

  componentWillMount() {
    this.loadUser(this.props.userId);
  }

  componentWillReceiveProps(nextProps) {
    if (nextProps.userId !== this.props.userId) {
      this.loadUser(nextProps.userId);
    }
  }

  loadUser(userId) {
    getCurrentUser(userId).then((user) => this.setState({ user, bio: user.bio }));
  }

  async handleSave() {
    const user = await updateProfile(this.props.userId, { bio: this.state.bio });
    this.setState({ user, editing: false });
  }

  render() {
    const { user, editing, bio } = this.state;
    if (!user) {
      return <p className="muted">Loading…</p>;
    }
    return (
      <section className="profile">
        <div className="avatar">
          {user.avatar_url ? <img src={user.avatar_url} alt="" /> : initials(user.display_name)}
        </div>
        <h2>{user.display_name}</h2>
        <p className="muted">@{user.username} · {user.email_domain}</p>
        {editing ? (
          <>
            <textarea value={bio} onChange={(event) => this.setState({ bio: event.target.value })} />
            <button onClick={this.handleSave}>Save</button>
          </>
        ) : (
          <p onClick={() => this.setState({ editing: true })}>{truncate(user.bio, 280)}</p>
        )}
      </section>
    );
  }
}
