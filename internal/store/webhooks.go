package store

import (
	"context"
	"fmt"
)

// maxDeliveries is how many deliveries are kept per webhook; older ones are
// removed as new ones arrive.
const maxDeliveries = 200

// WebhookRepo reads and writes registry webhooks and their deliveries. Get
// it from (*Store).Webhooks.
type WebhookRepo struct{ s *Store }

// Webhooks returns the webhook repository.
func (s *Store) Webhooks() *WebhookRepo { return &WebhookRepo{s: s} }

// Create inserts w; a name taken for the registry gives ErrConflict.
func (r *WebhookRepo) Create(ctx context.Context, w *RegistryWebhook) error {
	w.ID = 0
	return dbError(fmt.Sprintf("create webhook %s", w.Name), r.s.withCtx(ctx).Create(w).Error)
}

// Get returns webhook id of registry.
func (r *WebhookRepo) Get(ctx context.Context, registryID, id uint64) (*RegistryWebhook, error) {
	var w RegistryWebhook
	if err := r.s.withCtx(ctx).Where("id = ? AND registry_id = ?", id, registryID).Take(&w).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get webhook %d", id), err)
	}
	return &w, nil
}

// ByID returns webhook id, for the public endpoint that receives it.
func (r *WebhookRepo) ByID(ctx context.Context, id uint64) (*RegistryWebhook, error) {
	var w RegistryWebhook
	if err := r.s.withCtx(ctx).Where("id = ?", id).Take(&w).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get webhook %d", id), err)
	}
	return &w, nil
}

// ForRegistry lists the webhooks of a registry, oldest first.
func (r *WebhookRepo) ForRegistry(ctx context.Context, registryID uint64) ([]RegistryWebhook, error) {
	var out []RegistryWebhook
	err := r.s.withCtx(ctx).Where("registry_id = ?", registryID).Order("id").Find(&out).Error
	return out, dbError("list webhooks", err)
}

// Delete removes webhook id of registry and its deliveries.
func (r *WebhookRepo) Delete(ctx context.Context, registryID, id uint64) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		res := tx.withCtx(ctx).Where("id = ? AND registry_id = ?", id, registryID).Delete(&RegistryWebhook{})
		if res.Error != nil {
			return dbError("delete webhook", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete webhook %d: %w", id, ErrNotFound)
		}
		return dbError("delete webhook deliveries", tx.withCtx(ctx).Where("webhook_id = ?", id).Delete(&WebhookDelivery{}).Error)
	})
}

// Record stores a delivery and prunes the webhook's oldest beyond the
// most recent maxDeliveries. A delivery whose EventKey the webhook
// accepted before gives ErrConflict and is not stored: the caller records
// it again as a duplicate, without the key.
func (r *WebhookRepo) Record(ctx context.Context, d *WebhookDelivery) error {
	d.ID = 0
	d.Time = dbTime(d.Time)
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.withCtx(ctx).Create(d).Error; err != nil {
			return dbError("record webhook delivery", err)
		}
		var keep []uint64
		if err := tx.withCtx(ctx).Model(&WebhookDelivery{}).Where("webhook_id = ?", d.WebhookID).
			Order("id DESC").Limit(maxDeliveries).Pluck("id", &keep).Error; err != nil {
			return dbError("prune webhook deliveries", err)
		}
		if len(keep) < maxDeliveries {
			return nil
		}
		oldest := keep[len(keep)-1]
		return dbError("prune webhook deliveries", tx.withCtx(ctx).Where("webhook_id = ? AND id < ?", d.WebhookID, oldest).Delete(&WebhookDelivery{}).Error)
	})
}

// Deliveries returns a webhook's deliveries, newest first, a page at a time.
func (r *WebhookRepo) Deliveries(ctx context.Context, webhookID uint64, opts ListOptions) ([]WebhookDelivery, string, error) {
	q := r.s.withCtx(ctx).Model(&WebhookDelivery{}).Where("webhook_id = ?", webhookID)
	items, next, err := page(q, opts, true, func(d *WebhookDelivery) uint64 { return d.ID })
	if err != nil {
		return nil, "", listError("list webhook deliveries", err)
	}
	return items, next, nil
}
