import CampaignIcon from '@mui/icons-material/Campaign';
import type { ResourceProps } from 'react-admin';
import { NoticeCampaignList } from './NoticeCampaignList';
import { NoticeCampaignShow } from './NoticeCampaignShow';

/** Notice email campaigns (policy changes, new sub-processors) and their progress. */
export const noticeCampaigns = {
  name: 'notice-campaigns',
  list: NoticeCampaignList,
  show: NoticeCampaignShow,
  icon: CampaignIcon,
  recordRepresentation: 'noticeTitle',
} satisfies ResourceProps;
