import React from 'react';
import ReactDOM from 'react-dom';

import UserProfile from '@/components/UserProfile';

const root = document.getElementById('root');
const userId = Number(root.dataset.userId);

ReactDOM.render(<UserProfile userId={userId} />, root);
