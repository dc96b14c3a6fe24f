# The test network's cluster. A sketch of the real thing: an EKS cluster from
# the community module, named after the workflow's `cluster` input.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "name" {
  type        = string
  description = "Name for the cluster and its resources"
}

variable "account" {
  type        = string
  description = "The AWS account the cluster belongs to (guards against the wrong AWS_PROFILE)"
}

variable "region" {
  type    = string
  default = "us-east-2"
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account]
}

module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.0"
  cluster_name    = var.name
  cluster_version = "1.31"
  eks_managed_node_groups = {
    default = { instance_types = ["m6i.large"], min_size = 2, max_size = 4, desired_size = 2 }
  }
}

output "cluster_name" {
  value = module.eks.cluster_name
}

output "cluster_endpoint" {
  value = module.eks.cluster_endpoint
}

output "region" {
  value = var.region
}
