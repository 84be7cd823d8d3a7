// Where a forge sends the sign-in pop-up back (api/oauth.ts): the answer is
// handed to the console page that opened it, and the pop-up closes.
import { Result } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { answerOf, oauthChannel } from '../api/oauth';

export default function OAuthCallbackPage() {
  const { t } = useTranslation();
  const answer = useMemo(() => answerOf(window.location.search), []);
  useEffect(() => {
    const channel = new BroadcastChannel(oauthChannel);
    channel.postMessage(answer);
    channel.close();
    const id = setTimeout(() => window.close(), 300);
    return () => clearTimeout(id);
  }, [answer]);
  return (
    <Result
      status={answer.error ? 'warning' : 'success'}
      title={t('oauth.title')}
      subTitle={answer.error ? t('oauth.failed', { reason: answer.errorDescription || answer.error }) : t('oauth.relayed')}
    />
  );
}
