import { Avatar } from 'antd';

const palette = ['#0958d9', '#237804', '#ad4e00', '#531dab', '#c41d7f', '#006d75'];

/**
 * ChartIcon is a chart's icon when it comes with the chart (a data: URL);
 * the console loads nothing from other origins, so a remote icon shows as
 * the chart's initial.
 */
export function ChartIcon({ name, icon, size = 40 }: { name: string; icon?: string; size?: number }) {
  if (icon && /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/.test(icon)) return <Avatar shape="square" size={size} src={icon} alt="" />;
  const color = palette[[...name].reduce((a, c) => a + c.charCodeAt(0), 0) % palette.length];
  return (
    <Avatar shape="square" size={size} style={{ background: color, color: '#fff', flex: 'none' }} aria-hidden>
      {name.slice(0, 1).toUpperCase()}
    </Avatar>
  );
}
